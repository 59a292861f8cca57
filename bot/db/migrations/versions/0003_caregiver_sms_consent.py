"""caregiver SMS consent (STOP/START)

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-21 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("caregivers", schema=None) as batch_op:
        # existing caregivers have not opted out
        batch_op.add_column(
            sa.Column("opted_out", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(sa.Column("opted_out_at", sa.DateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("caregivers", schema=None) as batch_op:
        batch_op.drop_column("opted_out_at")
        batch_op.drop_column("opted_out")

"""report context: symptom onset ("since Sunday"), readings just after a hot drink, scheduled doses

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 09:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("symptom_reports", schema=None) as batch_op:
        # symptoms stored before this have no known onset
        batch_op.add_column(sa.Column("onset_at", sa.DateTime(), nullable=True))
    with op.batch_alter_table("temperature_readings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("after_warming", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    with op.batch_alter_table("fever_reducer_doses", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("scheduled", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("fever_reducer_doses", schema=None) as batch_op:
        batch_op.drop_column("scheduled")
    with op.batch_alter_table("temperature_readings", schema=None) as batch_op:
        batch_op.drop_column("after_warming")
    with op.batch_alter_table("symptom_reports", schema=None) as batch_op:
        batch_op.drop_column("onset_at")

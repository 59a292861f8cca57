"""escalations, audit events, scheduled jobs

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-20 23:46:36.438394
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "escalations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("disposition", sa.String(length=10), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("criteria", sa.Text(), nullable=False),
        sa.Column("notify_phone", sa.String(length=20), nullable=False),
        sa.Column("hop", sa.Integer(), nullable=False),
        sa.Column("opened_at", sa.DateTime(), nullable=False),
        sa.Column("acknowledged_at", sa.DateTime(), nullable=True),
        sa.Column("acknowledged_by_id", sa.Integer(), nullable=True),
        sa.Column("patient_told_ed_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["acknowledged_by_id"],
            ["care_team_members.id"],
            name=op.f("fk_escalations_acknowledged_by_id_care_team_members"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_escalations_patient_id_patients")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalations")),
        sa.UniqueConstraint("code", name=op.f("uq_escalations_code")),
    )
    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_escalations_patient_id"), ["patient_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_escalations_status"), ["status"], unique=False)

    op.create_table(
        "scheduled_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("run_at", sa.DateTime(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=True),
        sa.Column("escalation_id", sa.Integer(), nullable=True),
        sa.Column("hop", sa.Integer(), nullable=True),
        sa.Column("notify_phone", sa.String(length=20), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("done_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["escalation_id"],
            ["escalations.id"],
            name=op.f("fk_scheduled_jobs_escalation_id_escalations"),
        ),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_scheduled_jobs_patient_id_patients")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scheduled_jobs")),
    )
    with op.batch_alter_table("scheduled_jobs", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_scheduled_jobs_escalation_id"), ["escalation_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_scheduled_jobs_patient_id"), ["patient_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_scheduled_jobs_run_at"), ["run_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_scheduled_jobs_status"), ["status"], unique=False)

    op.create_table(
        "escalation_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("escalation_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=24), nullable=False),
        sa.Column("member_id", sa.Integer(), nullable=True),
        sa.Column("outbound_message_id", sa.Integer(), nullable=True),
        sa.Column("detail", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["escalation_id"],
            ["escalations.id"],
            name=op.f("fk_escalation_events_escalation_id_escalations"),
        ),
        sa.ForeignKeyConstraint(
            ["member_id"],
            ["care_team_members.id"],
            name=op.f("fk_escalation_events_member_id_care_team_members"),
        ),
        sa.ForeignKeyConstraint(
            ["outbound_message_id"],
            ["outbound_messages.id"],
            name=op.f("fk_escalation_events_outbound_message_id_outbound_messages"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalation_events")),
    )
    with op.batch_alter_table("escalation_events", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_escalation_events_escalation_id"), ["escalation_id"], unique=False
        )

    with op.batch_alter_table("outbound_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("escalation_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("member_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("delivery_status", sa.String(length=12), nullable=True))
        batch_op.add_column(sa.Column("delivery_updated_at", sa.DateTime(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_outbound_messages_escalation_id"), ["escalation_id"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_outbound_messages_member_id_care_team_members"),
            "care_team_members",
            ["member_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_outbound_messages_escalation_id_escalations"),
            "escalations",
            ["escalation_id"],
            ["id"],
        )


def downgrade() -> None:
    with op.batch_alter_table("outbound_messages", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_outbound_messages_escalation_id_escalations"), type_="foreignkey"
        )
        batch_op.drop_constraint(
            batch_op.f("fk_outbound_messages_member_id_care_team_members"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_outbound_messages_escalation_id"))
        batch_op.drop_column("delivery_updated_at")
        batch_op.drop_column("delivery_status")
        batch_op.drop_column("member_id")
        batch_op.drop_column("escalation_id")

    with op.batch_alter_table("escalation_events", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_escalation_events_escalation_id"))

    op.drop_table("escalation_events")
    with op.batch_alter_table("scheduled_jobs", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scheduled_jobs_status"))
        batch_op.drop_index(batch_op.f("ix_scheduled_jobs_run_at"))
        batch_op.drop_index(batch_op.f("ix_scheduled_jobs_patient_id"))
        batch_op.drop_index(batch_op.f("ix_scheduled_jobs_escalation_id"))

    op.drop_table("scheduled_jobs")
    with op.batch_alter_table("escalations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_escalations_status"))
        batch_op.drop_index(batch_op.f("ix_escalations_patient_id"))

    op.drop_table("escalations")

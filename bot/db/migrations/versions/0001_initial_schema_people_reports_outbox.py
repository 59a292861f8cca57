"""initial schema: people, reports, outbox

Revision ID: 0001
Revises:
Create Date: 2026-11-20 23:44:44.964362
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "care_team_members",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_care_team_members")),
        sa.UniqueConstraint("phone", name=op.f("uq_care_team_members_phone")),
    )
    op.create_table(
        "inbound_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("message_sid", sa.String(length=64), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("received_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_messages")),
        sa.UniqueConstraint("message_sid", name=op.f("uq_inbound_messages_message_sid")),
    )
    with op.batch_alter_table("inbound_messages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_inbound_messages_phone"), ["phone"], unique=False)

    op.create_table(
        "patients",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("birth_year", sa.Integer(), nullable=True),
        sa.Column("opted_out", sa.Boolean(), nullable=False),
        sa.Column("opted_out_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_patients")),
        sa.UniqueConstraint("phone", name=op.f("uq_patients_phone")),
    )
    op.create_table(
        "anc_results",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("measured_at", sa.DateTime(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_anc_results_patient_id_patients")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_anc_results")),
    )
    with op.batch_alter_table("anc_results", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_anc_results_patient_id"), ["patient_id"], unique=False)

    op.create_table(
        "caregivers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_caregivers_patient_id_patients")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_caregivers")),
        sa.UniqueConstraint("phone", name=op.f("uq_caregivers_phone")),
    )
    with op.batch_alter_table("caregivers", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_caregivers_patient_id"), ["patient_id"], unique=False)

    op.create_table(
        "chemo_doses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("given_on", sa.Date(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_chemo_doses_patient_id_patients")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_chemo_doses")),
        sa.UniqueConstraint("patient_id", "given_on", name="uq_chemo_doses_patient_day"),
    )
    with op.batch_alter_table("chemo_doses", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_chemo_doses_patient_id"), ["patient_id"], unique=False)

    op.create_table(
        "fever_reducer_doses",
        sa.Column("raw_text", sa.Text(), nullable=False),
        sa.Column("reporter", sa.String(length=10), nullable=False),
        sa.Column("reporter_phone", sa.String(length=20), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("medicine", sa.String(length=20), nullable=False),
        sa.Column("taken_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_fever_reducer_doses_patient_id_patients")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_fever_reducer_doses")),
    )
    with op.batch_alter_table("fever_reducer_doses", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_fever_reducer_doses_patient_id"), ["patient_id"], unique=False
        )

    op.create_table(
        "outbound_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("to_phone", sa.String(length=20), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(), nullable=False),
        sa.Column("provider_sid", sa.String(length=64), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("patient_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_outbound_messages_patient_id_patients")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbound_messages")),
        sa.UniqueConstraint("provider_sid", name=op.f("uq_outbound_messages_provider_sid")),
    )
    with op.batch_alter_table("outbound_messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_outbound_messages_patient_id"), ["patient_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_outbound_messages_status"), ["status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_outbound_messages_to_phone"), ["to_phone"], unique=False
        )

    op.create_table(
        "symptom_reports",
        sa.Column("raw_text", sa.Text(), nullable=False),
        sa.Column("reporter", sa.String(length=10), nullable=False),
        sa.Column("reporter_phone", sa.String(length=20), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("code", sa.String(length=30), nullable=False),
        sa.Column("count", sa.Integer(), nullable=True),
        sa.Column("red_flag", sa.Boolean(), nullable=False),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"], ["patients.id"], name=op.f("fk_symptom_reports_patient_id_patients")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_symptom_reports")),
    )
    with op.batch_alter_table("symptom_reports", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_symptom_reports_occurred_at"), ["occurred_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_symptom_reports_patient_id"), ["patient_id"], unique=False
        )

    op.create_table(
        "temperature_readings",
        sa.Column("raw_text", sa.Text(), nullable=False),
        sa.Column("reporter", sa.String(length=10), nullable=False),
        sa.Column("reporter_phone", sa.String(length=20), nullable=False),
        sa.Column("recorded_at", sa.DateTime(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("patient_id", sa.Integer(), nullable=False),
        sa.Column("celsius", sa.Float(), nullable=False),
        sa.Column("value_given", sa.Float(), nullable=False),
        sa.Column("unit_given", sa.String(length=1), nullable=True),
        sa.Column("site", sa.String(length=10), nullable=True),
        sa.Column("measured_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["patient_id"],
            ["patients.id"],
            name=op.f("fk_temperature_readings_patient_id_patients"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_temperature_readings")),
    )
    with op.batch_alter_table("temperature_readings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_temperature_readings_measured_at"), ["measured_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_temperature_readings_patient_id"), ["patient_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("temperature_readings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_temperature_readings_patient_id"))
        batch_op.drop_index(batch_op.f("ix_temperature_readings_measured_at"))

    op.drop_table("temperature_readings")
    with op.batch_alter_table("symptom_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_symptom_reports_patient_id"))
        batch_op.drop_index(batch_op.f("ix_symptom_reports_occurred_at"))

    op.drop_table("symptom_reports")
    with op.batch_alter_table("outbound_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outbound_messages_to_phone"))
        batch_op.drop_index(batch_op.f("ix_outbound_messages_status"))
        batch_op.drop_index(batch_op.f("ix_outbound_messages_patient_id"))

    op.drop_table("outbound_messages")
    with op.batch_alter_table("fever_reducer_doses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_fever_reducer_doses_patient_id"))

    op.drop_table("fever_reducer_doses")
    with op.batch_alter_table("chemo_doses", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_chemo_doses_patient_id"))

    op.drop_table("chemo_doses")
    with op.batch_alter_table("caregivers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_caregivers_patient_id"))

    op.drop_table("caregivers")
    with op.batch_alter_table("anc_results", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_anc_results_patient_id"))

    op.drop_table("anc_results")
    op.drop_table("patients")
    with op.batch_alter_table("inbound_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inbound_messages_phone"))

    op.drop_table("inbound_messages")
    op.drop_table("care_team_members")

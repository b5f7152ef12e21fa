"""incidents: many cases, one systemic problem; its timeline; cases and drafts linked to it

Revision ID: 0006
Revises: 0004
"""

import sqlalchemy as sa

from alembic import op
from bot.db.models import UTCDateTime

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("trigger_key", sa.String(length=300), nullable=True),
        sa.Column("opened_by", sa.String(length=50), nullable=False),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("owner", sa.String(length=50), nullable=True),
        sa.Column("claimed_at", UTCDateTime(), nullable=True),
        sa.Column("root_cause", sa.Text(), nullable=True),
        sa.Column("fixed_at", UTCDateTime(), nullable=True),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("channel_id", sa.String(length=50), nullable=True),
        sa.Column("message_ts", sa.String(length=50), nullable=True),
        sa.Column("escalated_to", sa.String(length=50), nullable=True),
        sa.Column("escalated_at", UTCDateTime(), nullable=True),
        sa.Column("escalation_reason", sa.Text(), nullable=True),
        sa.Column("dm_channel", sa.String(length=50), nullable=True),
        sa.Column("dm_ts", sa.String(length=50), nullable=True),
        sa.Column("claim_breach_notified_at", UTCDateTime(), nullable=True),
        sa.Column("fix_breach_notified_at", UTCDateTime(), nullable=True),
        sa.Column("check_in_at", UTCDateTime(), nullable=True),
        sa.Column("check_in_sent_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("trigger_key"),
    )
    op.create_index("ix_incidents_status_opened", "incidents", ["status", "opened_at"])
    op.create_index("ix_incidents_fixed_at", "incidents", ["fixed_at"])
    op.create_table(
        "incident_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("actor", sa.String(length=50), nullable=False),
        sa.Column("action", sa.String(length=50), nullable=False),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["incident_id"], ["incidents.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_incident_events_incident_id", "incident_events", ["incident_id"])
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("incident_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_cases_incident_id_incidents", "incidents", ["incident_id"], ["id"])
        batch_op.create_index("ix_cases_incident_id", ["incident_id"])
    with op.batch_alter_table("reply_drafts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("incident_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key("fk_reply_drafts_incident_id_incidents", "incidents", ["incident_id"], ["id"])
        batch_op.create_index("uq_reply_drafts_incident_case", ["incident_id", "case_id", "purpose"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("reply_drafts", schema=None) as batch_op:
        batch_op.drop_index("uq_reply_drafts_incident_case")
        batch_op.drop_constraint("fk_reply_drafts_incident_id_incidents", type_="foreignkey")
        batch_op.drop_column("incident_id")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_index("ix_cases_incident_id")
        batch_op.drop_constraint("fk_cases_incident_id_incidents", type_="foreignkey")
        batch_op.drop_column("incident_id")
    op.drop_index("ix_incident_events_incident_id", table_name="incident_events")
    op.drop_table("incident_events")
    op.drop_index("ix_incidents_fixed_at", table_name="incidents")
    op.drop_index("ix_incidents_status_opened", table_name="incidents")
    op.drop_table("incidents")

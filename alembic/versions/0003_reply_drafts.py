"""replies: what publishing a reply needs, and the drafts published from Slack

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa

from alembic import op
from bot.db.models import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("mentions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reply_to", sa.JSON(), nullable=True))
    op.create_table(
        "reply_drafts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("saved_by", sa.String(length=50), nullable=False),
        sa.Column("saved_at", UTCDateTime(), nullable=False),
        sa.Column("publish_started_at", UTCDateTime(), nullable=True),
        sa.Column("published_at", UTCDateTime(), nullable=True),
        sa.Column("published_url", sa.Text(), nullable=True),
        sa.Column("publish_error", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("reply_drafts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reply_drafts_case_id"), ["case_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reply_drafts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reply_drafts_case_id"))
    op.drop_table("reply_drafts")
    with op.batch_alter_table("mentions", schema=None) as batch_op:
        batch_op.drop_column("reply_to")

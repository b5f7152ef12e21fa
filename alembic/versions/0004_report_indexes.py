"""indexes the reports read: one index range per question, covering the columns it needs

Each period question (new, closed, claimed, first response, detection delay) reads one
date range of one composite index and never the table; the single-column indexes these
start with are dropped (each insert maintains fewer indexes). Plans: see the commit.

Revision ID: 0004
Revises: 0003
"""

from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# (table, new index, columns, the single-column index it replaces)
INDEXES = [
    ("cases", "ix_cases_status_detected", ["status", "detected_at"], "ix_cases_status"),
    ("cases", "ix_cases_detected_steps", ["detected_at", "claimed_at", "resolved_at"], "ix_cases_detected_at"),
    ("cases", "ix_cases_claimed_steps", ["claimed_at", "detected_at"], "ix_cases_claimed_at"),
    ("cases", "ix_cases_first_response_steps", ["first_response_at", "detected_at"], "ix_cases_first_response_at"),
    ("cases", "ix_cases_resolved_steps", ["resolved_at", "status", "dismissed_reason", "detected_at"], "ix_cases_resolved_at"),
    ("mentions", "ix_mentions_detected_delay", ["detected_at", "source_name", "published_at"], "ix_mentions_detected_at"),
]


def upgrade() -> None:
    for table, name, columns, replaced in INDEXES:
        op.create_index(name, table, columns)
        op.drop_index(replaced, table_name=table)
    # App Home's "mine": a person's active cases, without reading every active case.
    op.create_index("ix_cases_assignee_status", "cases", ["assignee", "status"])


def downgrade() -> None:
    op.drop_index("ix_cases_assignee_status", table_name="cases")
    for table, name, columns, replaced in reversed(INDEXES):
        op.create_index(replaced, table, columns[:1])
        op.drop_index(name, table_name=table)

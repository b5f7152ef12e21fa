"""initial schema

Revision ID: 0001
Revises: 
Create Date: 2026-11-22 19:52:44.178249
"""

import sqlalchemy as sa

from alembic import op
from bot.db.models import UTCDateTime

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('severity', sa.String(length=20), nullable=False),
    sa.Column('topics', sa.JSON(), nullable=False),
    sa.Column('troll', sa.Boolean(), nullable=False),
    sa.Column('assignee', sa.String(length=50), nullable=True),
    sa.Column('escalated_to', sa.String(length=50), nullable=True),
    sa.Column('escalation_reason', sa.Text(), nullable=True),
    sa.Column('resolution', sa.Text(), nullable=True),
    sa.Column('root_cause', sa.String(length=30), nullable=True),
    sa.Column('draft_text', sa.Text(), nullable=True),
    sa.Column('reply_url', sa.Text(), nullable=True),
    sa.Column('channel_id', sa.String(length=50), nullable=True),
    sa.Column('message_ts', sa.String(length=50), nullable=True),
    sa.Column('detected_at', UTCDateTime(), nullable=False),
    sa.Column('posted_at', UTCDateTime(), nullable=True),
    sa.Column('claimed_at', UTCDateTime(), nullable=True),
    sa.Column('first_response_at', UTCDateTime(), nullable=True),
    sa.Column('escalated_at', UTCDateTime(), nullable=True),
    sa.Column('resolved_at', UTCDateTime(), nullable=True),
    sa.Column('dismissed_reason', sa.String(length=30), nullable=True),
    sa.Column('snoozed_until', UTCDateTime(), nullable=True),
    sa.Column('claim_breach_notified_at', UTCDateTime(), nullable=True),
    sa.Column('resolve_breach_notified_at', UTCDateTime(), nullable=True),
    sa.Column('follow_up_at', UTCDateTime(), nullable=True),
    sa.Column('follow_up_user', sa.String(length=50), nullable=True),
    sa.Column('follow_up_sent_at', UTCDateTime(), nullable=True),
    sa.Column('unsnoozed_at', UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cases_claimed_at'), ['claimed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_detected_at'), ['detected_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_escalated_at'), ['escalated_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_first_response_at'), ['first_response_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_resolved_at'), ['resolved_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_cases_status'), ['status'], unique=False)

    op.create_table('digest_runs',
    sa.Column('period_end', UTCDateTime(), nullable=False),
    sa.Column('posted_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('period_end')
    )
    op.create_table('muted_authors',
    sa.Column('author', sa.String(length=500), nullable=False),
    sa.Column('muted_by', sa.String(length=50), nullable=False),
    sa.Column('muted_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('author')
    )
    op.create_table('source_states',
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=50), nullable=False),
    sa.Column('cursor', sa.JSON(), nullable=True),
    sa.Column('last_polled_at', UTCDateTime(), nullable=True),
    sa.Column('last_success_at', UTCDateTime(), nullable=True),
    sa.Column('last_error_at', UTCDateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('consecutive_failures', sa.Integer(), nullable=False),
    sa.Column('items_seen', sa.Integer(), nullable=False),
    sa.Column('backoff_until', UTCDateTime(), nullable=True),
    sa.Column('failure_reported_at', UTCDateTime(), nullable=True),
    sa.PrimaryKeyConstraint('name')
    )
    op.create_table('spike_alerts',
    sa.Column('key', sa.String(length=300), nullable=False),
    sa.Column('day', sa.String(length=10), nullable=False),
    sa.Column('alerted_at', UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('key', 'day')
    )
    op.create_table('case_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('at', UTCDateTime(), nullable=False),
    sa.Column('actor', sa.String(length=50), nullable=False),
    sa.Column('action', sa.String(length=50), nullable=False),
    sa.Column('details', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_events_case_id'), ['case_id'], unique=False)

    op.create_table('mentions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('source_kind', sa.String(length=50), nullable=False),
    sa.Column('source_name', sa.String(length=200), nullable=False),
    sa.Column('external_id', sa.String(length=500), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('canonical_url', sa.String(length=2000), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('author', sa.String(length=500), nullable=False),
    sa.Column('published_at', UTCDateTime(), nullable=True),
    sa.Column('detected_at', UTCDateTime(), nullable=False),
    sa.Column('reach', sa.Integer(), nullable=True),
    sa.Column('rating', sa.Integer(), nullable=True),
    sa.Column('score', sa.Float(), nullable=False),
    sa.Column('reasons', sa.JSON(), nullable=False),
    sa.Column('fingerprint', sa.String(length=64), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('canonical_url')
    )
    with op.batch_alter_table('mentions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mentions_author'), ['author'], unique=False)
        batch_op.create_index(batch_op.f('ix_mentions_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_mentions_detected_at'), ['detected_at'], unique=False)
        batch_op.create_index('uq_mentions_source_item', ['source_kind', 'external_id'], unique=True)

    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('created_at', UTCDateTime(), nullable=False),
    sa.Column('not_before', UTCDateTime(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('started_at', UTCDateTime(), nullable=True),
    sa.Column('sent_at', UTCDateTime(), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_outbox_pending', ['sent_at', 'not_before'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_pending')
        batch_op.drop_index(batch_op.f('ix_outbox_case_id'))

    op.drop_table('outbox')
    with op.batch_alter_table('mentions', schema=None) as batch_op:
        batch_op.drop_index('uq_mentions_source_item')
        batch_op.drop_index(batch_op.f('ix_mentions_detected_at'))
        batch_op.drop_index(batch_op.f('ix_mentions_case_id'))
        batch_op.drop_index(batch_op.f('ix_mentions_author'))

    op.drop_table('mentions')
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_events_case_id'))

    op.drop_table('case_events')
    op.drop_table('spike_alerts')
    op.drop_table('source_states')
    op.drop_table('muted_authors')
    op.drop_table('digest_runs')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_status'))
        batch_op.drop_index(batch_op.f('ix_cases_resolved_at'))
        batch_op.drop_index(batch_op.f('ix_cases_first_response_at'))
        batch_op.drop_index(batch_op.f('ix_cases_escalated_at'))
        batch_op.drop_index(batch_op.f('ix_cases_detected_at'))
        batch_op.drop_index(batch_op.f('ix_cases_claimed_at'))

    op.drop_table('cases')

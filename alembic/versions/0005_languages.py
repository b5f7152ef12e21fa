"""mentions.language and mentions.unscored: the language a mention is written in, and whether the detector could judge it

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa

from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("mentions", sa.Column("language", sa.String(length=16), nullable=True))
    # Mentions stored before this were all judged by the detector.
    op.add_column("mentions", sa.Column("unscored", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("mentions") as batch:
        batch.drop_column("unscored")
        batch.drop_column("language")

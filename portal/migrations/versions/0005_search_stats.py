"""anonymous counts of provisions opened from search results

Revision ID: 0005_search_stats
Revises: 0004_schedule
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_search_stats"
down_revision = "0004_schedule"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_provision_open",
        sa.Column("provision_id", sa.String(120), primary_key=True),
        sa.Column("opened", sa.Integer(), nullable=False),
        sa.Column("last_opened_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("search_provision_open")

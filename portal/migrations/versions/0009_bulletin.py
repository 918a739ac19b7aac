"""bulletin: anonymous case read counts; indexes on the pre-filing dates the dashboard selects by

Revision ID: 0009_bulletin
Revises: 0008_supplements
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_bulletin"
down_revision = "0008_supplements"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_read_count",
        sa.Column("slug", sa.String(80), primary_key=True),
        sa.Column("reads", sa.Integer(), nullable=False),
        sa.Column("last_read_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_prefiling_received_date", "prefiling", ["received_date"])
    op.create_index("ix_prefiling_registered_date", "prefiling", ["registered_date"])


def downgrade() -> None:
    op.drop_index("ix_prefiling_registered_date", table_name="prefiling")
    op.drop_index("ix_prefiling_received_date", table_name="prefiling")
    op.drop_table("case_read_count")

"""reception schedule (领导接访日程)

Revision ID: 0004_schedule
Revises: 0003_staff
"""

import sqlalchemy as sa
from alembic import op

revision = "0004_schedule"
down_revision = "0003_staff"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reception_session",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("key", sa.String(80), nullable=False, unique=True),
        sa.Column("leader", sa.String(100), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("start_time", sa.String(5), nullable=False),
        sa.Column("end_time", sa.String(5), nullable=False),
        sa.Column("place", sa.String(200), nullable=False),
        sa.Column("topics", sa.String(500), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("updated_by", sa.String(80), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    with op.batch_alter_table("reception_session") as batch:
        batch.create_index("ix_reception_session_day", ["day"])


def downgrade() -> None:
    op.drop_table("reception_session")


"""supplements: when an attachment was sent as 补充材料 (None: with the first submission)

Revision ID: 0008_supplements
Revises: 0007_hardening
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_supplements"
down_revision = "0007_hardening"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("prefiling_attachment", sa.Column("added_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("prefiling_attachment") as batch:
        batch.drop_column("added_at")

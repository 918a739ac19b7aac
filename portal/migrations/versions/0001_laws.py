"""law and provision tables

Revision ID: 0001_laws
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001_laws"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "law",
        sa.Column("slug", sa.String(80), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("issuer", sa.String(400), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("promulgated", sa.Date(), nullable=False),
        sa.Column("effective", sa.Date(), nullable=False),
        sa.Column("source", sa.String(1000), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("imported_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "provision",
        sa.Column("id", sa.String(120), primary_key=True),
        sa.Column("law_slug", sa.String(80), sa.ForeignKey("law.slug"), nullable=False),
        sa.Column("label", sa.String(40), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("sub", sa.Integer(), nullable=False),
        sa.Column("ordinal", sa.Integer(), nullable=False),
        sa.Column("path", sa.String(400), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
    )
    with op.batch_alter_table("provision") as batch:
        batch.create_index("ix_provision_law_slug", ["law_slug"])


def downgrade() -> None:
    op.drop_table("provision")
    op.drop_table("law")

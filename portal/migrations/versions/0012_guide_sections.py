"""信访指南 in the database: its sections (guide_section) and every published text (guide_revision)

Revision ID: 0012_guide_sections
Revises: 0011_sealed_reasons

The guide was Markdown files (content/guide/*.md) only the IT officer could change. The files now
seed these tables on `setup` (a section already stored is never overwritten); 编辑 staff publish
changes on 信访指南编辑.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_guide_sections"
down_revision = "0011_sealed_reasons"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "guide_section",
        sa.Column("slug", sa.String(80), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("show_timeline", sa.Boolean(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    with op.batch_alter_table("guide_section") as batch:
        batch.create_index("ix_guide_section_position", ["position"])
    op.create_table(
        "guide_revision",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("section_slug", sa.String(80), sa.ForeignKey("guide_section.slug"), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("show_timeline", sa.Boolean(), nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    with op.batch_alter_table("guide_revision") as batch:
        batch.create_index("ix_guide_revision_section_slug", ["section_slug"])


def downgrade() -> None:
    op.drop_table("guide_revision")
    op.drop_table("guide_section")

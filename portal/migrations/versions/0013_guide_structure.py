"""信访指南 structure: a section can be withdrawn (state 已发布 / 已撤回), and no two sections share a place

Revision ID: 0013_guide_structure
Revises: 0012_guide_sections

编辑 staff now add sections, withdraw and restore them, and move them up or down. A withdrawn
section stays in guide_section (with its revisions) so it can be restored and so that `setup`,
which seeds only slugs not stored yet, never brings it back. `position` becomes unique: a move is
a swap in one transaction, and two staff moving at once cannot leave two sections in one place.
Existing positions are renumbered 1…n in the order the page showed them (position, then slug).
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_guide_structure"
down_revision = "0012_guide_sections"
branch_labels = None
depends_on = None

_SECTION = sa.table("guide_section", sa.column("slug", sa.String()), sa.column("position", sa.Integer()))


def _renumber() -> None:
    conn = op.get_bind()
    slugs = conn.execute(sa.select(_SECTION.c.slug).order_by(_SECTION.c.position, _SECTION.c.slug)).scalars().all()
    for place, slug in enumerate(slugs, start=1):   # a negative pass first: no clash with a unique index
        conn.execute(_SECTION.update().where(_SECTION.c.slug == slug).values(position=-place))
    conn.execute(_SECTION.update().values(position=-_SECTION.c.position))


def upgrade() -> None:
    _renumber()
    with op.batch_alter_table("guide_section") as batch:
        batch.add_column(sa.Column("state", sa.String(20), nullable=False, server_default="已发布"))
        batch.drop_index("ix_guide_section_position")
        batch.create_index("ix_guide_section_position", ["position"], unique=True)


def downgrade() -> None:
    # Nothing is deleted (a withdrawn section keeps its revisions), but the older version has no
    # 已撤回: its public page shows every stored section again, withdrawn ones included.
    with op.batch_alter_table("guide_section") as batch:
        batch.drop_index("ix_guide_section_position")
        batch.create_index("ix_guide_section_position", ["position"])
        batch.drop_column("state")

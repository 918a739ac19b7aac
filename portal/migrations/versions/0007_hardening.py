"""hardening: rate_lock rows for atomic throttles; a version on prefiling; complaint text encrypted

Revision ID: 0007_hardening
Revises: 0006_question_bank

The complaint text columns become Text holding Fernet tokens (portal.prefiling.sealed); existing
rows are encrypted here with the configured key, and decrypted again on downgrade.
"""

import sqlalchemy as sa
from alembic import op

revision = "0007_hardening"
down_revision = "0006_question_bank"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)
SEALED = {
    "prefiling": ("subject", "request", "facts", "raised_where", "rating_comment"),
    "prefiling_event": ("reply",),
}


def _convert(transform) -> None:
    """Rewrite every non-empty sealed value with `transform` (encrypt or decrypt)."""
    conn = op.get_bind()
    for table_name, columns in SEALED.items():
        table = sa.table(table_name, sa.column("id", sa.Integer()), *(sa.column(c, sa.Text()) for c in columns))
        rows = conn.execute(sa.select(table)).mappings().all()
        if not rows:
            continue
        for row in rows:
            values = {c: transform(row[c]) if row[c] else row[c] for c in columns}
            conn.execute(table.update().where(table.c.id == row["id"]).values(**values))


def upgrade() -> None:
    op.create_table(
        "rate_lock",
        sa.Column("bucket", sa.String(20), primary_key=True),
        sa.Column("key", sa.String(64), primary_key=True),
        sa.Column("touched_at", _TS, nullable=False),
    )
    op.create_index("ix_rate_lock_touched_at", "rate_lock", ["touched_at"])
    # checked on every UPDATE (portal.concurrency): two transitions on one 件 cannot both win
    op.add_column("prefiling", sa.Column("version", sa.Integer(), nullable=False, server_default="1"))
    # Fernet tokens are longer than the old VARCHAR limits. SQLite does not enforce lengths (and a
    # batch rebuild of `prefiling` would trip its foreign keys), so only other databases alter.
    if op.get_bind().dialect.name != "sqlite":
        for table_name, columns in SEALED.items():
            for column in columns:
                op.alter_column(table_name, column, type_=sa.Text(), existing_nullable=False)

    def encrypt(text: str) -> str:
        from portal.prefiling.crypto import get_cipher

        return get_cipher().encrypt(text)

    _convert(encrypt)


def downgrade() -> None:
    def decrypt(token: str) -> str:
        from portal.prefiling.crypto import get_cipher

        return get_cipher().decrypt(token)

    _convert(decrypt)
    op.drop_column("prefiling", "version")  # plain ALTER (SQLite 3.35+): no table rebuild
    op.drop_index("ix_rate_lock_touched_at", table_name="rate_lock")
    op.drop_table("rate_lock")

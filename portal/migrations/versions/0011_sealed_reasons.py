"""sealed reasons: the 不予登记 reason is encrypted at rest like the rest of the record's text

Revision ID: 0011_sealed_reasons
Revises: 0010_repeats

Staff write the reason for 不予登记 in their own words, and it often names people (the citizen, the
other party, a phone number). It becomes a Text column holding Fernet tokens (portal.prefiling.sealed);
existing reasons are encrypted here with the configured key, and decrypted again on downgrade.
"""

import sqlalchemy as sa
from alembic import op

revision = "0011_sealed_reasons"
down_revision = "0010_repeats"
branch_labels = None
depends_on = None

_PREFILING = sa.table("prefiling", sa.column("id", sa.Integer()), sa.column("reject_reason", sa.Text()))


def _convert(transform) -> None:
    conn = op.get_bind()
    rows = conn.execute(sa.select(_PREFILING).where(_PREFILING.c.reject_reason != "")).all()
    for row_id, reason in rows:
        conn.execute(_PREFILING.update().where(_PREFILING.c.id == row_id).values(reject_reason=transform(reason)))


def upgrade() -> None:
    # a Fernet token is longer than the old VARCHAR(1000); SQLite does not enforce lengths
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("prefiling", "reject_reason", type_=sa.Text(), existing_nullable=False)

    def encrypt(text: str) -> str:
        from portal.prefiling.crypto import get_cipher

        return get_cipher().encrypt(text)

    _convert(encrypt)


def downgrade() -> None:
    def decrypt(token: str) -> str:
        from portal.prefiling.crypto import get_cipher

        return get_cipher().decrypt(token)

    _convert(decrypt)
    if op.get_bind().dialect.name != "sqlite":
        op.alter_column("prefiling", "reject_reason", type_=sa.String(1000), existing_nullable=False)

"""repeats: keyed signatures of pre-filings and the 疑似重复 links between them

Revision ID: 0010_repeats
Revises: 0009_bulletin

Existing pre-filings get their petitioner key here (the ID number is decrypted with the configured
key, hashed with a key derived from it, and never written in clear). Their text sketches and links
need the embedding model: the portal computes them in the background after the next submission, or
at once with `python -m portal repeats`.
"""

import sqlalchemy as sa
from alembic import op

revision = "0010_repeats"
down_revision = "0009_bulletin"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "prefiling_signature",
        sa.Column("prefiling_id", sa.Integer(), sa.ForeignKey("prefiling.id"), primary_key=True),
        sa.Column("key_tag", sa.String(16), nullable=False),
        sa.Column("petitioner_key", sa.String(64), nullable=False),
        sa.Column("text_bits", sa.String(128), nullable=False),
        sa.Column("model_id", sa.String(120), nullable=False),
        sa.Column("encode_failures", sa.Integer(), nullable=False),
        sa.Column("encoded_at", _TS, nullable=True),
    )
    op.create_index("ix_prefiling_signature_petitioner_key", "prefiling_signature", ["petitioner_key"])
    op.create_table(
        "prefiling_repeat",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("prefiling_id", sa.Integer(), sa.ForeignKey("prefiling.id"), nullable=False),
        sa.Column("earlier_id", sa.Integer(), sa.ForeignKey("prefiling.id"), nullable=False),
        sa.Column("same_petitioner", sa.Boolean(), nullable=False),
        sa.Column("similarity", sa.Float(), nullable=True),
        sa.Column("state", sa.String(10), nullable=False),
        sa.Column("decided_by", sa.String(80), nullable=False),
        sa.Column("decided_at", _TS, nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        sa.UniqueConstraint("prefiling_id", "earlier_id", name="uq_prefiling_repeat_pair"),
    )
    op.create_index("ix_prefiling_repeat_prefiling_id", "prefiling_repeat", ["prefiling_id"])
    op.create_index("ix_prefiling_repeat_earlier_id", "prefiling_repeat", ["earlier_id"])
    op.create_index("ix_prefiling_repeat_state", "prefiling_repeat", ["state"])
    _backfill_petitioner_keys()


def _backfill_petitioner_keys() -> None:
    conn = op.get_bind()
    prefiling = sa.table("prefiling", sa.column("id", sa.Integer()), sa.column("id_number_enc", sa.Text()))
    rows = conn.execute(sa.select(prefiling.c.id, prefiling.c.id_number_enc)).all()
    if not rows:
        return
    from portal.prefiling.crypto import get_cipher
    from portal.prefiling.repeats_keys import key_tag, petitioner_key

    cipher = get_cipher()
    tag = key_tag(cipher)
    signature = sa.table("prefiling_signature", *(sa.column(c) for c in (
        "prefiling_id", "key_tag", "petitioner_key", "text_bits", "model_id", "encode_failures")))
    conn.execute(signature.insert(), [
        {"prefiling_id": pid, "key_tag": tag, "petitioner_key": petitioner_key(cipher, cipher.decrypt(enc)),
         "text_bits": "", "model_id": "", "encode_failures": 0} for pid, enc in rows])


def downgrade() -> None:
    op.drop_index("ix_prefiling_repeat_state", table_name="prefiling_repeat")
    op.drop_index("ix_prefiling_repeat_earlier_id", table_name="prefiling_repeat")
    op.drop_index("ix_prefiling_repeat_prefiling_id", table_name="prefiling_repeat")
    op.drop_table("prefiling_repeat")
    op.drop_index("ix_prefiling_signature_petitioner_key", table_name="prefiling_signature")
    op.drop_table("prefiling_signature")

"""pre-filing tables: prefiling, people, attachments, events, drafts, rate events

Revision ID: 0002_prefiling
Revises: 0001_laws
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0002_prefiling"
down_revision = "0001_laws"
branch_labels = None
depends_on = None

Text = sqlmodel.sql.sqltypes.AutoString
When = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "prefiling",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("code", sa.String(16), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("idempotency_token", sa.String(64), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("category", sa.String(20), nullable=False),
        sa.Column("restricted", sa.Boolean(), nullable=False),
        sa.Column("district", sa.String(60), nullable=False),
        sa.Column("name_enc", Text(), nullable=True),
        sa.Column("id_number_enc", Text(), nullable=True),
        sa.Column("phone_enc", Text(), nullable=True),
        sa.Column("address_enc", Text(), nullable=True),
        sa.Column("subject", sa.String(100), nullable=False),
        sa.Column("request", sa.String(1000), nullable=False),
        sa.Column("facts", Text(), nullable=False),
        sa.Column("raised_before", sa.Boolean(), nullable=False),
        sa.Column("raised_where", sa.String(100), nullable=False),
        sa.Column("raised_stage", sa.String(20), nullable=False),
        sa.Column("channels", sa.String(200), nullable=False),
        sa.Column("submitted_at", When, nullable=False),
        sa.Column("received_date", sa.Date(), nullable=False),
        sa.Column("registered_date", sa.Date(), nullable=True),
        sa.Column("official_number", sa.String(40), nullable=False),
        sa.Column("reject_reason", sa.String(1000), nullable=False),
        sa.Column("reject_channel", sa.String(200), nullable=False),
        sa.Column("closed_at", When, nullable=True),
        sa.Column("rating", sa.String(10), nullable=False),
        sa.Column("rating_comment", sa.String(500), nullable=False),
        sa.Column("rated_at", When, nullable=True),
        sa.Column("anonymised_at", When, nullable=True),
        sa.Column("updated_at", When, nullable=False),
        sa.UniqueConstraint("idempotency_token"),
    )
    for column in ("category", "closed_at", "district", "state"):
        op.create_index(f"ix_prefiling_{column}", "prefiling", [column])
    op.create_index("ix_prefiling_code", "prefiling", ["code"], unique=True)

    op.create_table(
        "prefiling_draft",
        sa.Column("code", sa.String(16), primary_key=True),
        sa.Column("payload_enc", Text(), nullable=False),
        sa.Column("step", sa.String(20), nullable=False),
        sa.Column("idempotency_token", sa.String(64), nullable=False),
        sa.Column("created_at", When, nullable=False),
        sa.Column("updated_at", When, nullable=False),
    )
    op.create_index("ix_prefiling_draft_updated_at", "prefiling_draft", ["updated_at"])

    op.create_table(
        "rate_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("bucket", sa.String(20), nullable=False),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("at", When, nullable=False),
    )
    for column in ("at", "bucket", "key"):
        op.create_index(f"ix_rate_event_{column}", "rate_event", [column])

    op.create_table(
        "prefiling_attachment",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("prefiling_id", sa.Integer(), sa.ForeignKey("prefiling.id"), nullable=False),
        sa.Column("stored_name", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
    )
    op.create_table(
        "prefiling_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("prefiling_id", sa.Integer(), sa.ForeignKey("prefiling.id"), nullable=False),
        sa.Column("at", When, nullable=False),
        sa.Column("action", sa.String(20), nullable=False),
        sa.Column("from_state", sa.String(20), nullable=False),
        sa.Column("to_state", sa.String(20), nullable=False),
        sa.Column("actor", sa.String(80), nullable=False),
        sa.Column("reply", sa.String(2000), nullable=False),
    )
    op.create_table(
        "prefiling_person",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("prefiling_id", sa.Integer(), sa.ForeignKey("prefiling.id"), nullable=False),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("relation", sa.String(40), nullable=False),
        sa.Column("name_enc", Text(), nullable=True),
        sa.Column("phone_enc", Text(), nullable=True),
    )
    for table in ("prefiling_attachment", "prefiling_event", "prefiling_person"):
        op.create_index(f"ix_{table}_prefiling_id", table, ["prefiling_id"])


def downgrade() -> None:
    for table in ("prefiling_person", "prefiling_event", "prefiling_attachment", "rate_event",
                  "prefiling_draft", "prefiling"):
        op.drop_table(table)

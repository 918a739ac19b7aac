"""question bank (常见问题库) and questions citizens send in (群众来问)

Revision ID: 0006_question_bank
Revises: 0005_search_stats
"""

import sqlalchemy as sa
from alembic import op

revision = "0006_question_bank"
down_revision = "0005_search_stats"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "bank_question",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("question", sa.String(500), nullable=False),
        sa.Column("provisions", sa.Text(), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("source", sa.String(200), nullable=False),
        sa.Column("licence", sa.String(100), nullable=False),
        sa.Column("source_ref", sa.String(80), nullable=True, unique=True),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(200), nullable=False),
    )
    with op.batch_alter_table("bank_question") as batch:
        batch.create_index("ix_bank_question_state", ["state"])
    op.create_table(
        "bank_sent_question",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("text", sa.String(500), nullable=False),
        sa.Column("state", sa.String(20), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("handled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("handled_by", sa.String(200), nullable=False),
        sa.Column("bank_question_id", sa.Integer(), sa.ForeignKey("bank_question.id"), nullable=True),
    )
    with op.batch_alter_table("bank_sent_question") as batch:
        batch.create_index("ix_bank_sent_question_state", ["state"])
        batch.create_index("ix_bank_sent_question_received_at", ["received_at"])


def downgrade() -> None:
    op.drop_table("bank_sent_question")
    op.drop_table("bank_question")

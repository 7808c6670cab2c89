"""files and covers

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 18:11:29.273880
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=False),
        sa.Column("storage_name", sa.String(length=64), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["users.id"], name=op.f("fk_files_owner_id_users"), ondelete="RESTRICT"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_files")),
        sa.UniqueConstraint("storage_name", name=op.f("uq_files_storage_name")),
    )
    with op.batch_alter_table("files", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_files_owner_id"), ["owner_id"], unique=False)

    with op.batch_alter_table("books", schema=None) as batch_op:
        batch_op.add_column(sa.Column("cover_storage_name", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("cover_content_type", sa.String(length=50), nullable=True))
        batch_op.add_column(sa.Column("cover_size", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("cover_etag", sa.String(length=64), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("books", schema=None) as batch_op:
        batch_op.drop_column("cover_etag")
        batch_op.drop_column("cover_size")
        batch_op.drop_column("cover_content_type")
        batch_op.drop_column("cover_storage_name")

    with op.batch_alter_table("files", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_files_owner_id"))

    op.drop_table("files")

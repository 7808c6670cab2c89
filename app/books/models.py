from datetime import datetime
from decimal import Decimal

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import MAX_INT, Base, UTCDateTime, same_as_created_at, utcnow

# The stock column's range: what a client may set, and what cancelling an order may restore to.
MAX_STOCK = MAX_INT


class Book(Base):
    __tablename__ = "books"
    __table_args__ = (
        CheckConstraint("price > 0", name="price_positive"),
        CheckConstraint("stock >= 0", name="stock_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    author: Mapped[str] = mapped_column(String(200), index=True)
    isbn: Mapped[str] = mapped_column(String(13), unique=True)
    price: Mapped[Decimal] = mapped_column(Numeric(10, 2, asdecimal=True))
    description: Mapped[str | None] = mapped_column(Text, default=None)
    stock: Mapped[int] = mapped_column(default=0)
    # The cover image, in file storage under a server-made name; all four set or all None.
    cover_storage_name: Mapped[str | None] = mapped_column(String(64), default=None)
    cover_content_type: Mapped[str | None] = mapped_column(String(50), default=None)
    cover_size: Mapped[int | None] = mapped_column(default=None)
    cover_etag: Mapped[str | None] = mapped_column(String(64), default=None)
    owner_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=same_as_created_at, onupdate=utcnow
    )

    @property
    def cover_url(self) -> str | None:
        return cover_url(self.id, self.cover_storage_name)


def cover_path(book_id: int) -> str:
    """Where a book's cover is served: the one place that builds it (issue 16, layers)."""
    return f"/books/{book_id}/cover"


def cover_url(book_id: int, cover_storage_name: str | None) -> str | None:
    """The cover's URL if the book has one, else None; shared by the ORM and the read path."""
    return cover_path(book_id) if cover_storage_name else None

from datetime import datetime
from decimal import Decimal
from enum import StrEnum

from sqlalchemy import CheckConstraint, ForeignKey, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.db import Base, UTCDateTime, same_as_created_at, utcnow


class OrderStatus(StrEnum):
    PLACED = "placed"
    CANCELLED = "cancelled"


class Order(Base):
    __tablename__ = "orders"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    status: Mapped[str] = mapped_column(String(20), default=OrderStatus.PLACED.value)
    # 50 lines x 100 copies x 100,000.00 needs 12 digits.
    total: Mapped[Decimal] = mapped_column(Numeric(12, 2, asdecimal=True))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        UTCDateTime(), default=same_as_created_at, onupdate=utcnow
    )
    items: Mapped[list["OrderItem"]] = relationship(
        back_populates="order", lazy="selectin", order_by="OrderItem.book_id"
    )


class OrderItem(Base):
    __tablename__ = "order_items"
    __table_args__ = (CheckConstraint("quantity > 0", name="quantity_positive"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    # RESTRICT: a book with orders is kept for their history (DELETE /books answers 409).
    book_id: Mapped[int] = mapped_column(ForeignKey("books.id", ondelete="RESTRICT"), index=True)
    quantity: Mapped[int]
    unit_price: Mapped[Decimal] = mapped_column(Numeric(10, 2, asdecimal=True))
    order: Mapped[Order] = relationship(back_populates="items")

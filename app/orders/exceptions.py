from app.books.models import MAX_STOCK
from app.core.errors import Conflict, NotFound


class OrderNotFound(NotFound):
    detail = "Order not found"


class InsufficientStock(Conflict):
    def __init__(self, book_id: int) -> None:
        super().__init__(f"Insufficient stock for book {book_id}")


class OrderAlreadyCancelled(Conflict):
    detail = "Order is already cancelled"


class StockLimitReached(Conflict):
    """Cancelling would put a book's stock past its column (it was restocked since)."""

    def __init__(self, book_id: int) -> None:
        super().__init__(f"Cannot cancel: the stock of book {book_id} would exceed {MAX_STOCK}")

from app.core.errors import Conflict, NotFound


class OrderNotFound(NotFound):
    detail = "Order not found"


class InsufficientStock(Conflict):
    def __init__(self, book_id: int) -> None:
        super().__init__(f"Insufficient stock for book {book_id}")


class OrderAlreadyCancelled(Conflict):
    detail = "Order is already cancelled"

from app.core.errors import Conflict, NotFound


class BookNotFound(NotFound):
    detail = "Book not found"


class IsbnTaken(Conflict):
    def __init__(self, isbn: str) -> None:
        super().__init__(f"Book with ISBN {isbn} already exists")


class BookHasOrders(Conflict):
    detail = "Book has orders and is kept for their history"


class BookHasNoCover(NotFound):
    detail = "Book has no cover"

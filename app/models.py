"""Every model, imported in one place so `Base.metadata` knows every table.

Alembic's env.py and the tests import this; the app imports the models through its routers.
"""

from app.books.models import Book
from app.core.db import Base
from app.files.models import StoredFile
from app.orders.models import Order, OrderItem
from app.users.models import RefreshToken, User

__all__ = ["Base", "Book", "Order", "OrderItem", "RefreshToken", "StoredFile", "User"]

"""factory-boy factories for the bookstore's models, persisted through an AsyncSession."""

from tests.factories.base import persist
from tests.factories.books import BookFactory
from tests.factories.orders import OrderFactory, OrderItemFactory
from tests.factories.users import TEST_PASSWORD, UserFactory

__all__ = [
    "TEST_PASSWORD",
    "BookFactory",
    "OrderFactory",
    "OrderItemFactory",
    "UserFactory",
    "persist",
]

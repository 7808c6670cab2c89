from functools import cache

import factory

from app.core.config import Environment, Settings
from app.core.security import password_hasher
from app.users.models import Role, User

TEST_PASSWORD = "correct horse battery staple"


@cache
def hashed_test_password() -> str:
    """One cheap Argon2 hash of TEST_PASSWORD, shared by every factory-made user."""
    settings = Settings(_env_file=None, environment=Environment.TEST)
    return password_hasher(settings).hash(TEST_PASSWORD)


class UserFactory(factory.Factory):
    class Meta:
        model = User

    name = factory.Sequence(lambda n: f"User {n}")
    email = factory.Sequence(lambda n: f"user{n}@example.com")
    password_hash = factory.LazyFunction(hashed_test_password)
    role = Role.CUSTOMER.value
    is_active = True

    class Params:
        admin = factory.Trait(role=Role.ADMIN.value, name=factory.Sequence(lambda n: f"Admin {n}"))

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, BaseModel, ConfigDict, EmailStr, Field, StringConstraints

from app.core.text import NoNul
from app.users.models import Role
from app.users.password_policy import check_password_policy

Name = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), NoNul]
Password = Annotated[
    str, Field(min_length=8, max_length=128), AfterValidator(check_password_policy)
]


def normalise_email(email: str) -> str:
    return email.lower()


Email = Annotated[EmailStr, AfterValidator(normalise_email)]


class UserCreate(BaseModel):
    """Registration body; a `role` sent by the client is ignored like any unknown field."""

    name: Name
    email: Email
    password: Password


class UserPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    name: str
    email: str
    role: Role
    is_active: bool
    created_at: datetime

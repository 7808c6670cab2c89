from datetime import datetime
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    StringConstraints,
    ValidationInfo,
    field_validator,
)

from app.core.schema import RequestBody, omitted_not_null
from app.core.text import NoNul, Visible
from app.users.models import Role
from app.users.password_policy import check_password_policy

Name = Annotated[
    str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100), NoNul, Visible
]
# The policy's "not all digits" published as a pattern (a non-digit somewhere; JSON Schema
# patterns search): Schemathesis sent "00000000", valid by the schema, 422 by the policy
# (issue 15). The list of well-known passwords is the part no schema states.
Password = Annotated[
    str,
    Field(min_length=8, max_length=128, json_schema_extra={"pattern": "[^0-9]"}),
    AfterValidator(check_password_policy),
]


def normalise_email(email: str) -> str:
    return email.lower()


Email = Annotated[EmailStr, AfterValidator(normalise_email)]


class UserCreate(RequestBody):
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


def _reject_null(value: Any, info: ValidationInfo) -> Any:
    """Fields may be left out of a PATCH body, but an explicit null is a 422."""
    if value is None:
        raise ValueError(f"{info.field_name} may not be null")
    return value


class UserUpdate(RequestBody):
    """PATCH /users/me. `role`, `is_active` and `email` are not fields: sent, they are ignored."""

    # Left out or given, not null (the validator below); the schema says so (issue 15).
    name: Annotated[Name | None, omitted_not_null()] = None
    # Compared only, like a login password: no policy, so a 422 reveals nothing about it.
    current_password: Annotated[
        Annotated[str, Field(min_length=1, max_length=1024)] | None, omitted_not_null()
    ] = None
    new_password: Annotated[Password | None, omitted_not_null()] = None

    _not_null = field_validator("name", "current_password", "new_password", mode="before")(
        _reject_null
    )


class AdminUserUpdate(RequestBody):
    """PATCH /admin/users/{id}: what only an admin may change."""

    role: Annotated[Role | None, omitted_not_null()] = None
    is_active: Annotated[bool | None, omitted_not_null()] = None

    _not_null = field_validator("role", "is_active", mode="before")(_reject_null)

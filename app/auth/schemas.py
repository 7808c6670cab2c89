from typing import Annotated, Literal

from fastapi import Form
from fastapi.security import OAuth2PasswordRequestForm
from pydantic import BaseModel, Field

from app.core.schema import RequestBody, omit_null
from app.users.schemas import Email

# Both login doors bound the password before it is hashed (docs/decisions.md).
MAX_LOGIN_PASSWORD_LENGTH = 1024


class LoginRequest(RequestBody):
    email: Email
    # No policy here: a login only compares, and 422 must not reveal the policy per account.
    password: str = Field(min_length=1, max_length=MAX_LOGIN_PASSWORD_LENGTH)


class TokenForm(OAuth2PasswordRequestForm):
    """FastAPI's OAuth2 password form with the password bounded as on /auth/login.

    `min_length=1` states in the schema what the form parser does anyway: an empty field is a
    missing one, 422 (issue 15, external contract check). `grant_type` is the one string
    `password`, not FastAPI's `pattern: ^password$`, which Python's regular expressions (so
    Hypothesis and Schemathesis) also match with a trailing newline that the server refused; and
    it may be left out but is not offered as null, which a form can only send as the text "null".
    """

    def __init__(
        self,
        *,
        grant_type: Annotated[Literal["password"] | None, Form(json_schema_extra=omit_null)] = None,
        username: Annotated[str, Form(min_length=1)],
        password: Annotated[
            str,
            Form(
                min_length=1,
                max_length=MAX_LOGIN_PASSWORD_LENGTH,
                json_schema_extra={"format": "password"},
            ),
        ],
        scope: Annotated[str, Form()] = "",
        client_id: Annotated[str | None, Form()] = None,
        client_secret: Annotated[str | None, Form(json_schema_extra={"format": "password"})] = None,
    ) -> None:
        super().__init__(
            grant_type=grant_type,
            username=username,
            password=password,
            scope=scope,
            client_id=client_id,
            client_secret=client_secret,
        )


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the OAuth2 token type, not a secret
    expires_in: int


class RefreshRequest(RequestBody):
    refresh_token: str = Field(min_length=1, max_length=4096)

from typing import Literal

from pydantic import BaseModel, Field

from app.users.schemas import Email


class LoginRequest(BaseModel):
    email: Email
    # No policy here: a login only compares, and 422 must not reveal the policy per account.
    password: str = Field(min_length=1, max_length=1024)


class TokenPair(BaseModel):
    access_token: str
    refresh_token: str
    token_type: Literal["bearer"] = "bearer"  # noqa: S105 - the OAuth2 token type, not a secret
    expires_in: int


class RefreshRequest(BaseModel):
    refresh_token: str = Field(min_length=1, max_length=4096)

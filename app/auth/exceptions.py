from app.core.errors import NotAuthenticated


class InvalidCredentials(NotAuthenticated):
    detail = "Invalid email or password"


class TokenRejected(NotAuthenticated):
    """A token that is forged, expired, of the wrong type, revoked or for no user."""

    detail = "Invalid token"

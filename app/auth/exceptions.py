from app.core.errors import NotAuthenticated


class InvalidCredentials(NotAuthenticated):
    detail = "Invalid email or password"

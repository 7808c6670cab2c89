"""Expected JSON for users, shared by the auth and users tests."""

from datetime import UTC

from dirty_equals import IsNow, IsStr

from app.users.models import User

# ISO 8601 in UTC written with `Z`, and recent: what a freshly made row must carry.
RECENT_UTC_TIMESTAMP = IsStr(regex=r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z") & IsNow(
    iso_string=True, tz=UTC, delta=60
)


def user_public(user: User) -> dict[str, object]:
    """The `UserPublic` body the API must send for `user`, written out field by field."""
    return {
        "id": user.id,
        "name": user.name,
        "email": user.email,
        "role": user.role,
        "is_active": user.is_active,
        "created_at": user.created_at.isoformat().replace("+00:00", "Z"),
    }

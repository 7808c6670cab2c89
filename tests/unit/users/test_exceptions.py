import pytest

from app.core.errors import AppError
from app.users.exceptions import AccountDeactivated, AdminRequired, EmailTaken


class TestUserErrors:
    @pytest.mark.parametrize(
        ("error_class", "status_code", "detail"),
        [
            pytest.param(EmailTaken, 409, "Email already registered", id="email_taken"),
            pytest.param(AdminRequired, 403, "Admin access required", id="admin_required"),
            pytest.param(
                AccountDeactivated, 403, "Account is deactivated", id="account_deactivated"
            ),
        ],
    )
    def test_carries_the_documented_status_and_message(
        self, error_class: type[AppError], status_code: int, detail: str
    ) -> None:
        error = error_class()

        assert (error.status_code, error.detail, dict(error.headers)) == (status_code, detail, {})

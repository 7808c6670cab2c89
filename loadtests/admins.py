"""Admins: log in once with the bootstrap admin's credentials, list the users."""

from locust import tag, task

from loadtests import _checks, _hooks  # noqa: F401 - _hooks registers the run's listeners
from loadtests._session import ApiUser


class Admin(ApiUser):
    fixed_count = 1

    def on_start(self) -> None:
        options = self.environment.parsed_options
        email = getattr(options, "admin_email", "")
        password = getattr(options, "admin_password", "")
        if not (email and password):
            # Reported as a failure of its own, so the run's verdict names the missing setting.
            self.environment.events.request.fire(
                request_type="SETUP",
                name="admin credentials",
                response_time=0,
                response_length=0,
                exception=RuntimeError("set LOADTEST_ADMIN_EMAIL and LOADTEST_ADMIN_PASSWORD"),
            )
            return
        self.log_in(email, password)

    @tag("admin")
    @task
    def list_users(self) -> None:
        if self.token is None:
            return
        self.call(
            "GET",
            "/admin/users",
            name="/admin/users",
            params={"limit": 20},
            check=_checks.user_list_problems,
        )

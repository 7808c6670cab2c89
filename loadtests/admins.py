"""Admins: log in once with the bootstrap admin's credentials, list the users.

The credentials come from the options, else from the demo seed's file; without any, the run has
no Admin users and says so in one line at the start (loadtests/_credentials.py).
"""

from typing import Any

from locust import events, tag, task
from locust.env import Environment

from loadtests import _checks, _credentials, _hooks
from loadtests._session import ApiUser


class Admin(ApiUser):
    fixed_count = 1

    def on_start(self) -> None:
        options = self.environment.parsed_options
        email = getattr(options, "admin_email", "")
        password = getattr(options, "admin_password", "")
        if not (email and password):
            # The coordinator leaves Admin out when it has no credentials (choose_admin below),
            # so this is a bug: reported as a failure of its own rather than a silent idle user.
            self.environment.events.request.fire(
                request_type="SETUP",
                name="admin credentials",
                response_time=0,
                response_length=0,
                exception=RuntimeError("no admin credentials reached this user"),
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


def choose_admin(environment: Environment, **_kwargs: Any) -> None:
    """On the coordinator, before the run: credentials for Admin, or no Admin users at all.

    Found credentials go into the options, which travel to the workers with the spawn message.
    """
    if not _hooks.is_coordinator(environment) or environment.parsed_options is None:
        return
    options = environment.parsed_options
    found = _credentials.resolve(options.admin_email, options.admin_password)
    if found.credentials is None:
        _hooks.logger.warning("%s", found.message)
        environment.user_classes[:] = [
            user_class for user_class in environment.user_classes if user_class is not Admin
        ]
        return
    options.admin_email = found.credentials.email
    options.admin_password = found.credentials.password
    _hooks.logger.info("%s", found.message)


_hooks.listen(events.init, choose_admin)

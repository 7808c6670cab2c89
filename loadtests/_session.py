"""The base user every scenario builds on: checked requests, sign-up, log-in, the seeded books."""

import random
from collections.abc import Callable
from typing import Any

from locust import HttpUser, between

from loadtests import _checks, _data

Check = Callable[[Any], list[str]]


class ApiUser(HttpUser):
    """Sends requests grouped by `name`, failing any whose status or body breaks the contract."""

    abstract = True
    wait_time = between(0.5, 2.0)

    token: str | None = None
    seeded_book_ids: tuple[int, ...] = ()

    @property
    def run_id(self) -> str:
        options = self.environment.parsed_options
        run_id: str = getattr(options, "run_id", "") if options else ""
        return run_id

    def call(
        self,
        method: str,
        path: str,
        *,
        name: str,
        expect: int = 200,
        check: Check | None = None,
        **kwargs: Any,
    ) -> Any:
        """The parsed body when status and body are right; None (and a Locust failure) if not."""
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        with self.client.request(
            method, path, name=name, catch_response=True, headers=headers, **kwargs
        ) as response:
            if response.status_code != expect:
                response.failure(
                    f"status {response.status_code} != {expect}: {response.text[:200]}"
                )
                return None
            try:
                body = response.json()
            except ValueError as exc:
                response.failure(f"body is not JSON: {exc}")
                return None
            problems = check(body) if check else []
            if problems:
                response.failure("; ".join(problems[:3]))
                return None
            response.success()
            return body

    def log_in(self, email: str, password: str) -> None:
        """Once per simulated user: every login costs the server an Argon2 hash."""
        body = self.call(
            "POST",
            "/auth/login",
            name="/auth/login",
            json={"email": email, "password": password},
            check=_checks.token_problems,
        )
        self.token = body["access_token"] if body else None

    def sign_up(self, role: str) -> None:
        email, password = _data.unique_email(self.run_id, role), _data.new_password()

        def is_new_customer(body: Any) -> list[str]:
            problems = _checks.user_problems(body)
            if not problems and (body["email"], body["role"]) != (email, "customer"):
                problems.append(f"user: {body['email']}/{body['role']} != {email}/customer")
            return problems

        self.call(
            "POST",
            "/auth/register",
            name="/auth/register",
            expect=201,
            json={"name": f"Load test {role}", "email": email, "password": password},
            check=is_new_customer,
        )
        self.log_in(email, password)

    def find_seeded_books(self) -> None:
        """The books the run seeded (large stock), found by searching for the run id."""
        expected = _data.SEED_BOOK_COUNT

        def all_seeded(body: Any) -> list[str]:
            problems = _checks.book_list_problems(body, max_items=100)
            if not problems and len(body) != expected:
                problems.append(
                    f"found {len(body)} seeded books for run {self.run_id}, not {expected}"
                )
            return problems

        body = self.call(
            "GET",
            "/books",
            name="/books?q=",
            params={"q": self.run_id, "limit": 100},
            check=all_seeded,
        )
        self.seeded_book_ids = tuple(book["id"] for book in body) if body else ()

    def any_seeded_book(self) -> int | None:
        return random.choice(self.seeded_book_ids) if self.seeded_book_ids else None  # noqa: S311

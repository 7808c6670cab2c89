"""Run-wide wiring: the custom options, seeding before the run, the budget verdict at the end.

Imported by every user module; Python imports it once, so each listener is registered once.
Seeding and the verdict happen on the master (or the single local runner) only: workers get the
run id with their spawn message (Locust forwards custom options to workers).
"""

import logging
from collections.abc import Callable
from typing import Any

from locust import events
from locust.argument_parser import LocustArgumentParser
from locust.clients import HttpSession
from locust.env import Environment
from locust.event import EventHook
from locust.runners import MasterRunner, WorkerRunner

from loadtests import _budgets, _checks, _data

logger = logging.getLogger("loadtests")


# locust.event is untyped; these two wrappers keep the rest of the module strictly typed.
def listen(hook: EventHook, handler: Callable[..., None]) -> None:
    hook.add_listener(handler)  # type: ignore[no-untyped-call]


def _unrecorded() -> EventHook:
    return EventHook()  # type: ignore[no-untyped-call]


def add_options(parser: LocustArgumentParser) -> None:
    # Set by the master at every test start (a new id per run, even from the web UI's "new
    # test"); an option so that Locust forwards it to the workers with their spawn messages.
    parser.add_argument("--run-id", default="", include_in_web_ui=False, help="set per run")
    parser.add_argument(
        "--admin-email", env_var="LOADTEST_ADMIN_EMAIL", default="", help="Admin users log in as"
    )
    parser.add_argument(
        "--admin-password",
        env_var="LOADTEST_ADMIN_PASSWORD",
        default="",
        is_secret=True,
        help="Password of --admin-email",
    )


def is_coordinator(environment: Environment) -> bool:
    """The local runner, or the master: one per run, whatever the number of workers."""
    return environment.runner is not None and not isinstance(environment.runner, WorkerRunner)


def seed(environment: Environment, **_kwargs: Any) -> None:
    if not is_coordinator(environment) or environment.parsed_options is None:
        return
    options = environment.parsed_options
    options.run_id = _data.new_run_id()
    logger.info("run id %s: seeding %d books", options.run_id, _data.SEED_BOOK_COUNT)
    # A private request hook: seeding is set-up, not part of the measured load.
    session = HttpSession(environment.host or "", request_event=_unrecorded(), user=None)
    email, password = _data.unique_email(options.run_id, "seeder"), _data.new_password()
    registered = session.post(
        "/auth/register", json={"name": "Load test seeder", "email": email, "password": password}
    )
    login = session.post("/auth/login", json={"email": email, "password": password})
    if registered.status_code != 201 or login.status_code != 200:
        logger.error(
            "seeding failed: register %s %s, login %s %s",
            registered.status_code,
            registered.text or registered.error,
            login.status_code,
            login.text or login.error,
        )
        return
    headers = {"Authorization": f"Bearer {login.json()['access_token']}"}
    for index in range(_data.SEED_BOOK_COUNT):
        title = _data.seed_title(options.run_id, index)
        payload = _data.book_payload(title, stock=_data.SEED_STOCK)
        created = session.post("/books", json=payload, headers=headers)
        if created.status_code != 201 or _checks.book_problems(created.json()):
            logger.error("seeding book %d failed: %s %s", index, created.status_code, created.text)
            return
    if isinstance(environment.runner, MasterRunner):
        logger.info("workers get run id %s with their spawn messages", options.run_id)


def _group_results(environment: Environment) -> list[_budgets.GroupResult]:
    return [
        _budgets.GroupResult(
            group=f"{entry.method} {entry.name}",
            requests=entry.num_requests,
            failures=entry.num_failures,
            p50_ms=entry.get_response_time_percentile(0.5) or 0.0,
            p95_ms=entry.get_response_time_percentile(0.95) or 0.0,
        )
        for entry in environment.stats.entries.values()
    ]


def judge_budgets(environment: Environment, **_kwargs: Any) -> None:
    if not is_coordinator(environment):
        return
    results = _group_results(environment)
    logger.info("budgets (loadtests/_budgets.py):\n%s", "\n".join(_budgets.verdict_table(results)))
    breaches = _budgets.evaluate(results)
    for breach in breaches:
        logger.error("budget broken: %s", breach)
    if breaches:
        environment.process_exit_code = 1
    else:
        logger.info("all %d request groups within their budgets", len(results))


listen(events.init_command_line_parser, add_options)
listen(events.test_start, seed)
listen(events.quitting, judge_budgets)

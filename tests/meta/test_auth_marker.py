"""`@pytest.mark.auth`: one run per principal, statuses from the marker, misuse fails loudly.

Collection and usage errors are properties of a whole pytest run, so they are checked on an
inner run (`pytester`) wired with this project's pytest.ini and root conftest.
"""

import httpx
import pytest

from tests.fixtures.auth import Principal, Principals
from tests.meta.support import run_inner, wire_inner_run

pytest_plugins = ["pytester"]

MARKED_TESTS = """
import pytest


@pytest.mark.auth("anonymous", "customer", "admin")
def test_by_name(principal) -> None:
    pass


@pytest.mark.auth(anonymous=401, owner=200)
def test_by_status(auth_client, expected_status) -> None:
    pass
"""


def test_a_marked_test_is_collected_once_per_principal(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    wire_inner_run(pytester, monkeypatch)
    pytester.makepyfile(test_marked=MARKED_TESTS)

    items, _ = pytester.inline_genitems("-p", "no:randomly", "test_marked.py")

    assert [item.name for item in items] == [
        "test_by_name[anonymous]",
        "test_by_name[customer]",
        "test_by_name[admin]",
        "test_by_status[anonymous]",
        "test_by_status[owner]",
    ]


@pytest.mark.parametrize(
    ("marker", "fixtures", "message"),
    [
        pytest.param(
            '"customer"',
            "client",
            "test_misused.py::test_misused: @pytest.mark.auth needs the `principal` "
            "or `auth_client` fixture",
            id="no_principal_fixture",
        ),
        pytest.param(
            '"customer", admin=200',
            "principal",
            "@pytest.mark.auth takes names or name=status, not both",
            id="names_and_statuses",
        ),
        pytest.param(
            "",
            "principal",
            "@pytest.mark.auth needs at least one principal",
            id="no_principals",
        ),
    ],
)
def test_a_misused_marker_stops_collection(
    pytester: pytest.Pytester,
    monkeypatch: pytest.MonkeyPatch,
    marker: str,
    fixtures: str,
    message: str,
) -> None:
    wire_inner_run(pytester, monkeypatch)
    pytester.makepyfile(
        test_misused=f"import pytest\n\n\n@pytest.mark.auth({marker})\n"
        f"def test_misused({fixtures}) -> None:\n    pass\n"
    )

    result = run_inner(pytester, "--tb=line", "test_misused.py")

    assert result.ret == pytest.ExitCode.INTERRUPTED
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"E   pytest.UsageError: {message}"])


@pytest.mark.parametrize(
    ("source", "message"),
    [
        pytest.param(
            '@pytest.mark.auth("customer")\ndef test_misused(expected_status) -> None:\n',
            "expected_status needs @pytest.mark.auth(name=status, ...)",
            id="expected_status_without_statuses",
        ),
        pytest.param(
            "def test_misused(principal) -> None:\n",
            "the `principal` fixture needs @pytest.mark.auth(...)",
            id="principal_without_marker",
        ),
    ],
)
def test_a_fixture_used_without_its_marker_errors_the_test(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, source: str, message: str
) -> None:
    wire_inner_run(pytester, monkeypatch)
    pytester.makepyfile(test_misused=f"import pytest\n\n\n{source}    pass\n")

    result = run_inner(pytester, "--tb=line", "test_misused.py")

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines([f"E   *UsageError: {message}"])


@pytest.mark.auth(anonymous=401, customer=200, admin=200)
async def test_expected_status_is_the_markers_status_for_the_principal(
    auth_client: httpx.AsyncClient, principal: Principal, expected_status: int
) -> None:
    response = await auth_client.get("/users/me")

    assert expected_status == {"anonymous": 401, "customer": 200, "admin": 200}[principal.name]
    assert response.status_code == expected_status, response.text


@pytest.mark.auth("owner")
async def test_principals_gives_one_principal_per_name_for_the_whole_test(
    principal: Principal, principals: Principals
) -> None:
    assert await principals.get("owner") is principal
    assert await principals.get("other") is await principals.get("other")
    assert (await principals.get("other")).user.id != principal.user.id

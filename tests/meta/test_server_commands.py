"""Every place that starts uvicorn gives it the app's WebSocket frame limit (issue 15).

uvicorn holds a whole frame before the app can refuse it; its default limit is 16 MiB, so
20 sockets sending one large frame each took a worker from 109 to 518 MiB although the app
closed every one of them with 1009 (docs/decisions.md). The limit is a server option, so it is
written where the server is started: here, each of those places is checked against the app's
own `MAX_MESSAGE_BYTES`, and the resilience layer's live server runs with it too.
"""

import re
from pathlib import Path

import pytest

from app.realtime.service import MAX_MESSAGE_BYTES
from tests.support import live_server

ROOT = Path(__file__).resolve().parents[2]
# Where the server is started: `uvicorn app.main:app ...` on one logical line of each file.
STARTS = [
    pytest.param("README.md", id="readme"),
    pytest.param("docs/load-tests.md", id="load_test_docs"),
    pytest.param("Makefile", id="make_run"),
    pytest.param("Dockerfile", id="dockerfile"),
    pytest.param("docker-compose.test.yml", id="compose"),
    pytest.param("scripts/loadtest.sh", id="loadtest"),
    pytest.param("scripts/contract_live.py", id="contract_live"),
]
_START = re.compile(r"uvicorn\W+app\.main:app(?P<rest>(?:\\\n|[^\n])*)")


def ws_max_sizes(text: str) -> list[str]:
    """The `--ws-max-size` value of each uvicorn start in `text` ("" for a start without one).

    A start runs to the end of its line, across shell line continuations; a Python or JSON
    list of arguments (`"--ws-max-size", "65536"`) counts as well.
    """
    sizes = []
    for start in _START.finditer(text):
        found = re.search(r"""--ws-max-size\W+(\d+)""", start["rest"])
        sizes.append(found.group(1) if found else "")
    return sizes


@pytest.mark.parametrize("path", STARTS)
def test_each_server_start_limits_websocket_frames_as_the_app_does(path: str) -> None:
    sizes = ws_max_sizes((ROOT / path).read_text())

    assert sizes, f"no `uvicorn app.main:app` in {path}"
    assert sizes == [str(MAX_MESSAGE_BYTES)] * len(sizes)


def test_the_live_server_of_the_tests_runs_with_the_same_limit() -> None:
    assert live_server.WS_MAX_SIZE == MAX_MESSAGE_BYTES


@pytest.mark.parametrize(
    ("text", "sizes"),
    [
        pytest.param("uvicorn app.main:app --reload", [""], id="none"),
        pytest.param("uvicorn app.main:app \\\n  --ws-max-size 65536 &", ["65536"], id="continued"),
        pytest.param('["uvicorn", "app.main:app", "--ws-max-size", "1"]', ["1"], id="list"),
        pytest.param("uvicorn app.main:app\nfoo --ws-max-size 2", [""], id="next_line"),
    ],
)
def test_ws_max_sizes_reads_each_start(text: str, sizes: list[str]) -> None:
    assert ws_max_sizes(text) == sizes

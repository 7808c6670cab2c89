"""The catalogue adapter against `httpx.MockTransport`: a handler function plays the catalogue.

Technique: `httpx.MockTransport(handler)` in a real `httpx.AsyncClient`. The adapter runs its
real code (URL, timeouts, status handling, JSON parsing, retries); only the network is replaced,
so nothing is patched and no socket is opened. Failures are a handler that raises the exception
httpx itself would raise (`httpx.ReadTimeout`, `httpx.ConnectError`...). Back-off goes through
an injected `sleep` that records the delays instead of waiting: retries cost no real time.
"""

from collections.abc import AsyncIterator, Callable
from datetime import timedelta
from typing import Any

import httpx
import pytest
from pydantic import ValidationError

from app.catalog.breaker import CircuitBreaker
from app.catalog.client import CatalogClient, CatalogPolicy
from app.catalog.exceptions import CatalogTimeout, CatalogUnavailable
from app.catalog.schemas import BookMetadata
from app.core.config import Environment, Settings
from tests.support.fakes import FakeClock

ISBN = "9780441013593"
URL = f"https://catalog.test/isbn/{ISBN}.json"
POLICY = CatalogPolicy(
    base_url="https://catalog.test",
    timeout=httpx.Timeout(5.0, connect=2.0),
    retries=2,
    backoff_seconds=0.1,
)
DUNE = {
    "title": "Dune",
    "authors": [{"name": "Frank Herbert"}],
    "publish_date": "August 1990",
    "description": "A desert planet.",
    "number_of_pages": 535,
}


class Catalogue:
    """The handler's state: every request it saw, and the responses (or errors) it gives in turn."""

    def __init__(self, *answers: httpx.Response | Exception) -> None:
        self.answers = list(answers)
        self.requests: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer


class Sleeps:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
async def make_client(sleeps: Sleeps) -> AsyncIterator[Callable[[Catalogue], CatalogClient]]:
    """A CatalogClient (breaker out of the way) whose HTTP client answers through `catalogue`."""
    opened: list[httpx.AsyncClient] = []

    def make(catalogue: Catalogue) -> CatalogClient:
        http = httpx.AsyncClient(transport=httpx.MockTransport(catalogue))
        opened.append(http)
        breaker = CircuitBreaker(failure_threshold=100, cooldown=timedelta(seconds=30))
        return CatalogClient(http, POLICY, breaker, clock=FakeClock(), sleep=sleeps)

    yield make
    for http in opened:
        await http.aclose()


def json_response(status: int, body: Any = None) -> httpx.Response:
    return httpx.Response(status, json=body)


def failure(exception: type[httpx.RequestError]) -> Exception:
    return exception("simulated", request=httpx.Request("GET", URL))


class TestParsing:
    @pytest.mark.parametrize(
        ("record", "expected"),
        [
            pytest.param(
                DUNE,
                BookMetadata(
                    isbn=ISBN,
                    title="Dune",
                    authors=["Frank Herbert"],
                    publish_year=1990,
                    description="A desert planet.",
                ),
                id="every_field",
            ),
            pytest.param(
                {"title": " Dune ", "description": {"type": "/type/text", "value": "Arrakis."}},
                BookMetadata(isbn=ISBN, title="Dune", authors=[], description="Arrakis."),
                id="typed_text_description",
            ),
            pytest.param(
                {"title": "Dune", "authors": [{"key": "/authors/OL79034A"}, {"name": "F. H."}]},
                BookMetadata(isbn=ISBN, title="Dune", authors=["F. H."]),
                id="author_keys_without_names_skipped",
            ),
            pytest.param(
                {"title": "Dune", "publish_date": "n.d.", "description": "  "},
                BookMetadata(isbn=ISBN, title="Dune", authors=[]),
                id="no_year_and_blank_description",
            ),
        ],
    )
    async def test_a_record_becomes_normalised_metadata(
        self,
        make_client: Callable[[Catalogue], CatalogClient],
        record: dict[str, Any],
        expected: BookMetadata,
    ) -> None:
        catalogue = Catalogue(json_response(200, record))

        assert await make_client(catalogue).lookup(ISBN) == expected
        [request] = catalogue.requests
        assert (request.method, str(request.url)) == ("GET", URL)
        assert request.extensions["timeout"] == {
            "connect": 2.0,
            "read": 5.0,
            "write": 5.0,
            "pool": 5.0,
        }

    async def test_404_means_the_catalogue_has_no_such_book(
        self, make_client: Callable[[Catalogue], CatalogClient]
    ) -> None:
        catalogue = Catalogue(json_response(404, {"error": "notfound"}))

        assert await make_client(catalogue).lookup(ISBN) is None
        assert len(catalogue.requests) == 1

    @pytest.mark.parametrize(
        "response",
        [
            pytest.param(httpx.Response(200, content=b"<html>oops</html>"), id="not_json"),
            pytest.param(json_response(200, {"authors": []}), id="no_title"),
            pytest.param(json_response(200, ["Dune"]), id="not_an_object"),
            pytest.param(json_response(200, {"title": 42}), id="title_not_text"),
        ],
    )
    async def test_a_malformed_answer_is_unavailable_not_a_crash(
        self, make_client: Callable[[Catalogue], CatalogClient], response: httpx.Response
    ) -> None:
        with pytest.raises(CatalogUnavailable) as raised:
            await make_client(Catalogue(response)).lookup(ISBN)

        assert raised.value.detail == (
            "The book catalogue is unavailable (its answer was not a book record)"
        )


class TestRetries:
    async def test_a_5xx_is_retried_with_exponential_back_off_until_it_answers(
        self, make_client: Callable[[Catalogue], CatalogClient], sleeps: Sleeps
    ) -> None:
        catalogue = Catalogue(json_response(503), json_response(500), json_response(200, DUNE))

        metadata = await make_client(catalogue).lookup(ISBN)

        assert metadata is not None
        assert metadata.title == "Dune"
        assert len(catalogue.requests) == 3
        assert sleeps.delays == [0.1, 0.2]

    @pytest.mark.parametrize(
        ("answer", "detail"),
        [
            pytest.param(json_response(503), "it answered 503", id="5xx_every_time"),
            pytest.param(failure(httpx.ConnectError), "could not connect", id="refused"),
        ],
    )
    async def test_retries_are_bounded_then_it_is_unavailable(
        self,
        make_client: Callable[[Catalogue], CatalogClient],
        sleeps: Sleeps,
        answer: httpx.Response | Exception,
        detail: str,
    ) -> None:
        catalogue = Catalogue(answer)

        with pytest.raises(CatalogUnavailable) as raised:
            await make_client(catalogue).lookup(ISBN)

        assert raised.value.detail == f"The book catalogue is unavailable ({detail})"
        assert len(catalogue.requests) == 3  # the first attempt and POLICY.retries more
        assert sleeps.delays == [0.1, 0.2]

    @pytest.mark.parametrize("status", [400, 403, 429])
    async def test_a_4xx_other_than_404_is_not_retried(
        self, make_client: Callable[[Catalogue], CatalogClient], sleeps: Sleeps, status: int
    ) -> None:
        catalogue = Catalogue(json_response(status))

        with pytest.raises(CatalogUnavailable) as raised:
            await make_client(catalogue).lookup(ISBN)

        assert raised.value.detail == f"The book catalogue is unavailable (it answered {status})"
        assert len(catalogue.requests) == 1
        assert sleeps.delays == []

    async def test_a_connection_error_then_success_is_retried_once(
        self, make_client: Callable[[Catalogue], CatalogClient], sleeps: Sleeps
    ) -> None:
        catalogue = Catalogue(failure(httpx.ConnectError), json_response(200, DUNE))

        metadata = await make_client(catalogue).lookup(ISBN)

        assert metadata is not None
        assert len(catalogue.requests) == 2
        assert sleeps.delays == [0.1]


class TestTimeoutsAndBrokenExchanges:
    async def test_a_read_timeout_is_504_at_once_without_retrying(
        self, make_client: Callable[[Catalogue], CatalogClient], sleeps: Sleeps
    ) -> None:
        catalogue = Catalogue(failure(httpx.ReadTimeout))

        with pytest.raises(CatalogTimeout) as raised:
            await make_client(catalogue).lookup(ISBN)

        assert raised.value.status_code == 504
        assert raised.value.detail == "The book catalogue did not answer in time"
        assert len(catalogue.requests) == 1
        assert sleeps.delays == []

    async def test_a_connect_timeout_is_retried_then_504(
        self, make_client: Callable[[Catalogue], CatalogClient], sleeps: Sleeps
    ) -> None:
        catalogue = Catalogue(failure(httpx.ConnectTimeout))

        with pytest.raises(CatalogTimeout):
            await make_client(catalogue).lookup(ISBN)

        assert len(catalogue.requests) == 3
        assert sleeps.delays == [0.1, 0.2]

    @pytest.mark.parametrize(
        "error",
        [
            pytest.param(httpx.RemoteProtocolError, id="broken_connection"),
            pytest.param(httpx.TooManyRedirects, id="redirect_loop"),
            pytest.param(httpx.DecodingError, id="undecodable_body"),
        ],
    )
    async def test_any_other_request_error_is_unavailable_without_retrying(
        self, make_client: Callable[[Catalogue], CatalogClient], error: type[httpx.RequestError]
    ) -> None:
        catalogue = Catalogue(failure(error))

        with pytest.raises(CatalogUnavailable) as raised:
            await make_client(catalogue).lookup(ISBN)

        assert raised.value.detail == "The book catalogue is unavailable (the exchange failed)"
        assert len(catalogue.requests) == 1


@pytest.mark.parametrize(
    "url",
    [
        pytest.param("openlibrary.org", id="no_scheme"),
        pytest.param("ftp://openlibrary.org", id="not_http"),
        pytest.param("https://", id="no_host"),
    ],
)
def test_a_catalogue_url_that_is_not_http_is_refused_at_start_up(url: str) -> None:
    with pytest.raises(ValidationError, match="expected an http\\(s\\) URL with a host"):
        Settings(_env_file=None, environment=Environment.TEST, catalog_url=url)


def test_the_policy_takes_every_catalogue_setting() -> None:
    # Mutation testing: a policy built with the timeout dropped, or "X" stripped from the URL
    # with the "/", passed every test that only used the defaults (docs/mutation.md).
    settings = Settings(
        _env_file=None,
        environment=Environment.TEST,
        catalog_url="http://catalog.test/BOX/",
        catalog_connect_timeout_seconds=1.5,
        catalog_read_timeout_seconds=3.5,
        catalog_retries=4,
        catalog_retry_backoff_seconds=0.25,
    )

    assert CatalogPolicy.from_settings(settings) == CatalogPolicy(
        base_url="http://catalog.test/BOX",
        timeout=httpx.Timeout(3.5, connect=1.5),
        retries=4,
        backoff_seconds=0.25,
    )

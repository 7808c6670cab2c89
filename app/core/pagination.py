"""`skip`/`limit` parameters and the `X-Total-Count` and RFC 8288 `Link` headers."""

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Depends, Query, Request, Response

from app.core.db import MAX_INT

MAX_LIMIT = 100
DEFAULT_LIMIT = 20
MAX_SKIP = MAX_INT  # past any table here; larger offsets overflow the database drivers


@dataclass(frozen=True, slots=True)
class PageParams:
    skip: int
    limit: int


async def page_params(
    # FastAPI reads the defaults from the signature mutmut's trampoline copies from the original
    # function: a mutated default is never seen there (docs/mutation.md).
    skip: Annotated[int, Query(ge=0, le=MAX_SKIP)] = 0,  # pragma: no mutate
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> PageParams:
    """Any skip past the end is an empty page.

    `async def` on purpose: FastAPI runs a plain `def` dependency in the thread pool, a hop that
    cost `GET /books` more than its own work (docs/performance.md).
    """
    return PageParams(skip=skip, limit=limit)


PageDep = Annotated[PageParams, Depends(page_params)]


def page_links(url: str, query: dict[str, str], page: PageParams, total: int) -> list[str]:
    """Link header values for the neighbours of `page`, keeping every other query parameter."""
    neighbours: list[tuple[str, int]] = []
    if page.skip + page.limit < total:
        neighbours.append(("next", page.skip + page.limit))
    if page.skip > 0:
        # Past the end, "prev" leads back to the last real page, not another empty one.
        neighbours.append(("prev", max(min(page.skip, total) - page.limit, 0)))
    links = []
    for rel, skip in neighbours:
        params = {**query, "skip": str(skip), "limit": str(page.limit)}
        links.append(f'<{url}?{urlencode(params)}>; rel="{rel}"')
    return links


def set_page_headers(request: Request, response: Response, page: PageParams, total: int) -> None:
    """Links are absolute paths: a URL built from the request would carry the client's `Host`
    header into the response (issue 15)."""
    response.headers["X-Total-Count"] = str(total)
    links = page_links(request.url.path, dict(request.query_params), page, total)
    if links:
        response.headers["Link"] = ", ".join(links)

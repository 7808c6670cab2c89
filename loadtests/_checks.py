"""Body checks for load-test responses (pure: no locust import).

Each returns the problems found, an empty list when the body is what the contract promises
(/work/shared/spec/API.md); the user classes turn problems into Locust failures.
"""

from typing import Any

BOOK_FIELDS = frozenset(
    {
        "id", "title", "author", "isbn", "price", "description", "stock",
        "owner_id", "cover_url", "created_at", "updated_at",
    }
)  # fmt: skip
USER_FIELDS = frozenset({"id", "name", "email", "role", "is_active", "created_at"})
ORDER_FIELDS = frozenset({"id", "status", "items", "total", "created_at"})
TOKEN_FIELDS = frozenset({"access_token", "refresh_token", "token_type", "expires_in"})


def _fields(body: Any, expected: frozenset[str], what: str) -> list[str]:
    if not isinstance(body, dict):
        return [f"{what}: expected an object, got {type(body).__name__}"]
    if set(body) != expected:
        return [f"{what}: fields {sorted(body)} != {sorted(expected)}"]
    if "id" in expected and not (isinstance(body["id"], int) and body["id"] >= 1):
        return [f"{what}: bad id {body['id']!r}"]
    return []


def book_problems(body: Any, *, book_id: int | None = None) -> list[str]:
    problems = _fields(body, BOOK_FIELDS, "book")
    if not problems and book_id is not None and body["id"] != book_id:
        problems.append(f"book: id {body['id']} != requested {book_id}")
    return problems


def book_list_problems(body: Any, *, max_items: int, author: str | None = None) -> list[str]:
    """A page of books ordered by id; with `author`, each one's author contains it (any case)."""
    if not isinstance(body, list):
        return [f"book list: expected an array, got {type(body).__name__}"]
    if len(body) > max_items:
        return [f"book list: {len(body)} items > limit {max_items}"]
    problems = [problem for item in body for problem in book_problems(item)]
    if problems:
        return problems
    ids = [item["id"] for item in body]
    if ids != sorted(ids):
        problems.append(f"book list: ids {ids} not in order")
    if author is not None:
        problems += [
            f"book list: author {item['author']!r} does not match {author!r}"
            for item in body
            if author.casefold() not in item["author"].casefold()
        ]
    return problems


def user_problems(body: Any) -> list[str]:
    return _fields(body, USER_FIELDS, "user")


def user_list_problems(body: Any) -> list[str]:
    if not isinstance(body, list) or not body:
        return ["user list: expected a non-empty array"]
    return [problem for item in body for problem in user_problems(item)]


def order_problems(body: Any, *, status: str, book_id: int) -> list[str]:
    problems = _fields(body, ORDER_FIELDS, "order")
    if problems:
        return problems
    if body["status"] != status:
        problems.append(f"order: status {body['status']!r} != {status!r}")
    lines = [(line.get("book_id"), line.get("quantity")) for line in body["items"]]
    if lines != [(book_id, 1)]:
        problems.append(f"order: items {lines} != [({book_id}, 1)]")
    return problems


def cover_problems(body: Any, *, book_id: int, size: int) -> list[str]:
    expected = {"url": f"/books/{book_id}/cover", "content_type": "image/png", "size": size}
    return [] if body == expected else [f"cover: {body!r} != {expected!r}"]


def token_problems(body: Any) -> list[str]:
    problems = _fields(body, TOKEN_FIELDS, "tokens")
    if not problems and body["token_type"] != "bearer":  # noqa: S105 - a scheme, not a secret
        problems.append(f"tokens: token_type {body['token_type']!r} != 'bearer'")
    return problems

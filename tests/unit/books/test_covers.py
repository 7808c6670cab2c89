import pytest

from app.books.covers import Cover, cover_of, matches
from app.books.exceptions import BookHasNoCover
from app.books.models import Book

NAME, CONTENT_TYPE, SIZE, DIGEST = "0123456789abcdef0123456789abcdef", "image/png", 67, "d" * 64


def book_with(**cover: object) -> Book:
    fields = {
        "cover_storage_name": NAME,
        "cover_content_type": CONTENT_TYPE,
        "cover_size": SIZE,
        "cover_etag": DIGEST,
    }
    return Book(id=1, **{**fields, **cover})


def test_cover_of_a_book_with_all_four_columns() -> None:
    assert cover_of(book_with()) == Cover(
        storage_name=NAME, content_type=CONTENT_TYPE, size=SIZE, etag=f'"{DIGEST}"'
    )


@pytest.mark.parametrize(
    "missing",
    [
        pytest.param("cover_storage_name", id="no_name"),
        pytest.param("cover_content_type", id="no_content_type"),
        pytest.param("cover_size", id="no_size"),
        pytest.param("cover_etag", id="no_etag"),
    ],
)
def test_any_column_missing_is_no_cover(missing: str) -> None:
    with pytest.raises(BookHasNoCover):
        cover_of(book_with(**{missing: None}))


ETAG = '"abc"'


@pytest.mark.parametrize(
    ("if_none_match", "expected"),
    [
        pytest.param(None, False, id="absent"),
        pytest.param('"abc"', True, id="same"),
        pytest.param('W/"abc"', True, id="weak_form"),
        pytest.param('"other", "abc"', True, id="in_a_list"),
        pytest.param('"other","abc"', True, id="in_a_list_without_blanks"),
        pytest.param(' "abc" ,"other"', True, id="blanks_around"),
        pytest.param("*", True, id="star"),
        pytest.param('"other"', False, id="other"),
        pytest.param('"ab"', False, id="prefix"),
        pytest.param("", False, id="empty"),
    ],
)
def test_matches(if_none_match: str | None, expected: bool) -> None:
    assert matches(if_none_match, ETAG) is expected

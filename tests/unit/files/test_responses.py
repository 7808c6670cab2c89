import pytest

from app.files.responses import content_disposition


@pytest.mark.parametrize(
    ("filename", "header"),
    [
        pytest.param("cover.png", 'attachment; filename="cover.png"', id="ascii"),
        pytest.param(
            "Grüße.txt",
            "attachment; filename=\"Gr__e.txt\"; filename*=UTF-8''Gr%C3%BC%C3%9Fe.txt",
            id="non_ascii",
        ),
        pytest.param(
            'say "hi".txt',
            "attachment; filename=\"say _hi_.txt\"; filename*=UTF-8''say%20%22hi%22.txt",
            id="quotes",
        ),
        pytest.param(
            "a\\b.txt",
            "attachment; filename=\"a_b.txt\"; filename*=UTF-8''a%5Cb.txt",
            id="backslash",
        ),
        pytest.param(
            "why?.txt",
            "attachment; filename=\"why_.txt\"; filename*=UTF-8''why%3F.txt",
            id="question_mark",
        ),
        # RFC 5987's attr-char has no `/`: it is percent-encoded too.
        pytest.param(
            "dir/ü.txt",
            "attachment; filename=\"dir/_.txt\"; filename*=UTF-8''dir%2F%C3%BC.txt",
            id="slash",
        ),
    ],
)
def test_content_disposition(filename: str, header: str) -> None:
    assert content_disposition(filename) == header

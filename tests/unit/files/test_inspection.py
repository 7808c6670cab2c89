import pytest

from app.files.exceptions import EmptyFile, UnsupportedFileType
from app.files.inspection import (
    COVER_TYPES,
    GIF,
    JPEG,
    PDF,
    PNG,
    TEXT,
    WEBP,
    Inspector,
    extension_of,
    sanitise_filename,
    sniff,
)
from tests.support.uploads import TINY_GIF, TINY_JPEG, TINY_PDF, TINY_WEBP, tiny_png


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        pytest.param("cover.png", "cover.png", id="plain"),
        pytest.param("../../etc/passwd.txt", "passwd.txt", id="dot_dot_slash"),
        pytest.param("/abs/path.txt", "path.txt", id="absolute"),
        pytest.param("..\\..\\win.txt", "win.txt", id="backslashes"),
        pytest.param("a\x00b.txt", "ab.txt", id="nul"),
        pytest.param("a\x1b[31mb\x7f.txt", "a[31mb.txt", id="control_characters"),
        pytest.param("  spaced.txt  ", "spaced.txt", id="trimmed"),
        pytest.param("Grüße.txt", "Grüße.txt", id="non_ascii_kept"),
        pytest.param("dir/..", "", id="dot_dot_only"),
        pytest.param("dir/", "", id="nothing_after_slash"),
        pytest.param(None, "", id="none"),
        pytest.param("x" * 300 + ".txt", "x" * 251 + ".txt", id="capped_keeping_extension"),
        pytest.param("y" * 300, "y" * 255, id="capped_without_extension"),
        pytest.param(".", "", id="dot_only"),
        pytest.param(
            "x" * 300 + ".tar.gz", "x" * 252 + ".gz", id="capped_keeping_the_last_extension"
        ),
        pytest.param(
            "x" * 300 + ".c", "x" * 253 + ".c", id="capped_keeping_a_one_letter_extension"
        ),
        pytest.param("x" * 300 + ".", "x" * 255, id="capped_with_an_empty_extension"),
        pytest.param(
            "x" * 300 + "." + "e" * 15, "x" * 239 + "." + "e" * 15, id="extension_of_15_kept"
        ),
        pytest.param("x" * 300 + "." + "e" * 16, "x" * 255, id="extension_of_16_not_kept"),
    ],
)
def test_sanitise_filename(raw: str | None, expected: str) -> None:
    assert sanitise_filename(raw) == expected


@pytest.mark.parametrize(
    ("filename", "extension"),
    [
        pytest.param("a.PNG", ".png", id="lower_cased"),
        pytest.param("a.tar.gz", ".gz", id="last_one"),
        pytest.param("README", "", id="none"),
    ],
)
def test_extension_of(filename: str, extension: str) -> None:
    assert extension_of(filename) == extension


@pytest.mark.parametrize(
    ("head", "mime"),
    [
        pytest.param(tiny_png(), PNG, id="png"),
        pytest.param(TINY_JPEG, JPEG, id="jpeg"),
        pytest.param(TINY_GIF, GIF, id="gif"),
        pytest.param(TINY_PDF, PDF, id="pdf"),
        pytest.param(TINY_WEBP, WEBP, id="webp"),
        pytest.param(b"just words", None, id="text"),
        pytest.param(b"xx%PDF-1.4", None, id="signature_not_at_the_start"),
        pytest.param(b"RIFF\x00\x00\x00\x00AVI LIST", None, id="riff_but_not_webp"),
    ],
)
def test_sniff_judges_by_the_leading_bytes(head: bytes, mime: str | None) -> None:
    assert sniff(head) == mime


def _inspect(expected: frozenset[str], *chunks: bytes) -> str:
    inspector = Inspector(expected)
    for chunk in chunks:
        inspector.feed(chunk)
    return inspector.finish()


class TestInspector:
    def test_text_split_inside_a_character_is_text(self) -> None:
        data = "Grüße".encode()
        assert _inspect(frozenset({TEXT}), data[:3], data[3:]) == TEXT

    @pytest.mark.parametrize(
        "chunks",
        [
            pytest.param((b"a\x00b",), id="nul"),
            pytest.param((b"\xff\xfe",), id="invalid_utf8"),
            pytest.param((b"ok", b"\xc3"), id="truncated_at_the_end"),
            pytest.param((tiny_png(),), id="png_bytes"),
        ],
    )
    def test_not_text_is_rejected(self, chunks: tuple[bytes, ...]) -> None:
        with pytest.raises(UnsupportedFileType):
            _inspect(frozenset({TEXT}), *chunks)

    def test_a_binary_type_other_than_expected_is_rejected(self) -> None:
        with pytest.raises(UnsupportedFileType):
            _inspect(frozenset({PNG}), TINY_JPEG)

    def test_any_cover_type_is_accepted(self) -> None:
        assert _inspect(COVER_TYPES, TINY_WEBP[:5], TINY_WEBP[5:]) == WEBP

    def test_size_counts_every_chunk(self) -> None:
        inspector = Inspector(frozenset({TEXT}))
        inspector.feed(b"ab")
        inspector.feed(b"cde")

        assert (inspector.size, inspector.finish()) == (5, TEXT)

    def test_nothing_fed_is_empty(self) -> None:
        with pytest.raises(EmptyFile, match="The file is empty"):
            _inspect(frozenset({TEXT}))

"""The body limit's rules (app/core/body_limit.py) at their boundaries; the edge applying them
is tested in tests/integration/middleware/test_body_limit.py."""

import pytest

from app.core.body_limit import (
    DRAIN_LIMIT_BYTES,
    BodyLimits,
    bytes_to_come,
    closes_connection,
    longer_than,
)


def limits() -> BodyLimits:
    return BodyLimits(
        default=10,
        limits={
            "/files": 100,
            "/files/big/": 1000,
            "/books/*/cover": 50,
            "/books/7": 20,
            "/api/FAX/": 30,
        },
    )


class TestLimitFor:
    @pytest.mark.parametrize(
        ("path", "limit"),
        [
            pytest.param("/files", 100, id="the_prefix_itself"),
            pytest.param("/files/7", 100, id="below_the_prefix"),
            pytest.param("/filesystem", 10, id="same_start_other_segment"),
            pytest.param("/files/big", 1000, id="trailing_slash_of_a_prefix_ignored"),
            pytest.param("/files/big/7", 1000, id="longer_prefix_wins"),
            pytest.param("/books/7/cover", 50, id="star_matches_one_segment"),
            pytest.param("/books/8/cover", 50, id="star_matches_another_segment"),
            pytest.param("/books/7/reviews", 20, id="shorter_prefix_below_a_star_one"),
            pytest.param("/books/7/cover/large", 50, id="below_a_star_prefix"),
            pytest.param("/books/8", 10, id="shorter_than_a_star_prefix"),
            pytest.param("/books/8/covers", 10, id="star_prefix_other_last_segment"),
            pytest.param("/api/FAX/1", 30, id="prefix_ending_in_x"),
            pytest.param("/api/FA", 10, id="only_the_slash_is_stripped"),
            pytest.param("/", 10, id="elsewhere_the_default"),
        ],
    )
    def test_the_longest_matching_prefix_wins(self, path: str, limit: int) -> None:
        assert limits().limit_for(path) == limit


class TestLengths:
    @pytest.mark.parametrize(
        ("length", "expected"),
        [
            pytest.param(b"64", False, id="at_the_limit"),
            pytest.param(b"65", True, id="one_over"),
            pytest.param(b"100", True, id="trailing_zeros_count"),
            pytest.param(b"0064", False, id="leading_zeros_do_not"),
            pytest.param(b"0", False, id="zero"),
            pytest.param(b"000", False, id="only_zeros"),
        ],
    )
    def test_longer_than_64(self, length: bytes, expected: bool) -> None:
        assert longer_than(length, 64) is expected

    @pytest.mark.parametrize(
        ("length", "chunked", "expected"),
        [
            pytest.param(b"", True, None, id="chunked_unknown"),
            pytest.param(b"", False, 0, id="no_body"),
            pytest.param(b"0", False, 0, id="zero"),
            pytest.param(b"00100", False, 100, id="digits_with_zeros"),
            pytest.param(b"0" * 5000 + b"1", False, 1, id="thousands_of_leading_zeros"),
            pytest.param(str(DRAIN_LIMIT_BYTES).encode(), False, DRAIN_LIMIT_BYTES, id="at_drain"),
            pytest.param(str(DRAIN_LIMIT_BYTES + 1).encode(), False, None, id="over_drain"),
        ],
    )
    def test_bytes_to_come_under_a_small_limit(
        self, length: bytes, chunked: bool, expected: int | None
    ) -> None:
        assert bytes_to_come(length, chunked=chunked, limit=64) == expected

    def test_a_limit_over_the_drain_limit_is_counted_to_the_limit(self) -> None:
        limit = 4 * DRAIN_LIMIT_BYTES
        lengths = [str(limit).encode(), str(limit + 1).encode()]

        assert [bytes_to_come(length, chunked=False, limit=limit) for length in lengths] == [
            limit,
            None,
        ]

    @pytest.mark.parametrize(
        ("left", "expected"),
        [
            pytest.param(None, True, id="unknown"),
            pytest.param(0, False, id="nothing_left"),
            pytest.param(DRAIN_LIMIT_BYTES, False, id="at_drain"),
            pytest.param(DRAIN_LIMIT_BYTES + 1, True, id="over_drain"),
        ],
    )
    def test_closes_the_connection_only_over_the_drain_limit(
        self, left: int | None, expected: bool
    ) -> None:
        assert closes_connection(left) is expected

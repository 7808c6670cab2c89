import pytest

from app.core.pagination import PageParams, page_links

URL = "/books"


class TestPageLinks:
    @pytest.mark.parametrize(
        ("skip", "limit", "total", "links"),
        [
            pytest.param(0, 20, 100, [f'<{URL}?skip=20&limit=20>; rel="next"'], id="first_page"),
            pytest.param(
                40,
                20,
                100,
                [f'<{URL}?skip=60&limit=20>; rel="next"', f'<{URL}?skip=20&limit=20>; rel="prev"'],
                id="middle_page",
            ),
            pytest.param(80, 20, 100, [f'<{URL}?skip=60&limit=20>; rel="prev"'], id="last_page"),
            pytest.param(
                90, 20, 100, [f'<{URL}?skip=70&limit=20>; rel="prev"'], id="short_last_page"
            ),
            pytest.param(
                500, 20, 100, [f'<{URL}?skip=80&limit=20>; rel="prev"'], id="past_the_end"
            ),
            pytest.param(0, 20, 20, [], id="only_page_exactly_full"),
            pytest.param(0, 20, 5, [], id="only_page"),
            pytest.param(0, 20, 0, [], id="no_results"),
            pytest.param(
                5,
                20,
                100,
                [f'<{URL}?skip=25&limit=20>; rel="next"', f'<{URL}?skip=0&limit=20>; rel="prev"'],
                id="prev_clamps_at_zero",
            ),
            pytest.param(
                1,
                1,
                3,
                [f'<{URL}?skip=2&limit=1>; rel="next"', f'<{URL}?skip=0&limit=1>; rel="prev"'],
                id="limit_one",
            ),
        ],
    )
    def test_links_point_to_the_neighbouring_pages(
        self, skip: int, limit: int, total: int, links: list[str]
    ) -> None:
        assert page_links(URL, {}, PageParams(skip=skip, limit=limit), total) == links

    def test_other_query_parameters_are_kept(self) -> None:
        query = {"author": "Herbert", "sort": "-price"}

        assert page_links(URL, query, PageParams(skip=20, limit=10), 50) == [
            f'<{URL}?author=Herbert&sort=-price&skip=30&limit=10>; rel="next"',
            f'<{URL}?author=Herbert&sort=-price&skip=10&limit=10>; rel="prev"',
        ]

    def test_incoming_skip_and_limit_are_replaced(self) -> None:
        query = {"skip": "20", "limit": "10", "q": "dune"}

        assert page_links(URL, query, PageParams(skip=20, limit=10), 50) == [
            f'<{URL}?skip=30&limit=10&q=dune>; rel="next"',
            f'<{URL}?skip=10&limit=10&q=dune>; rel="prev"',
        ]

    @pytest.mark.parametrize(
        ("q", "encoded"),
        [
            pytest.param("war & peace", "war+%26+peace", id="space_and_ampersand"),
            pytest.param("50% off", "50%25+off", id="percent"),
            pytest.param("a=b;c", "a%3Db%3Bc", id="equals_and_semicolon"),
            pytest.param("<x>", "%3Cx%3E", id="angle_brackets"),
            pytest.param("Émile", "%C3%89mile", id="non_ascii"),
        ],
    )
    def test_values_are_url_encoded(self, q: str, encoded: str) -> None:
        assert page_links(URL, {"q": q}, PageParams(skip=0, limit=20), 21) == [
            f'<{URL}?q={encoded}&skip=20&limit=20>; rel="next"'
        ]

from app.books.exceptions import BookNotFound, IsbnTaken


class TestBookErrors:
    def test_book_not_found_is_404_with_the_documented_message(self) -> None:
        error = BookNotFound()

        assert (error.status_code, error.detail) == (404, "Book not found")

    def test_isbn_taken_is_409_naming_the_isbn(self) -> None:
        error = IsbnTaken("9780132350884")

        assert (error.status_code, error.detail) == (
            409,
            "Book with ISBN 9780132350884 already exists",
        )

from app.auth.exceptions import InvalidCredentials


class TestInvalidCredentials:
    def test_is_a_401_bearer_challenge_with_one_message_for_every_cause(self) -> None:
        error = InvalidCredentials()

        assert (error.status_code, error.detail, dict(error.headers)) == (
            401,
            "Invalid email or password",
            {"WWW-Authenticate": "Bearer"},
        )

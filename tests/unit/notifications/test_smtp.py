"""The SMTP mailer's configuration, and what it hands to aiosmtplib.

Technique: `mocker.patch("aiosmtplib.send")`. Patching is the right tool here: TLS from the first
byte and credentials over TLS cannot be exercised against a loopback test server without
certificates, and what matters is the exact arguments we pass. (The real SMTP conversation is in
tests/integration/notifications/test_smtp_conversation.py.)
"""

import pytest
from pydantic import SecretStr
from pytest_mock import MockerFixture

from app.core.config import Environment, Settings
from app.notifications.mail import Mail
from app.notifications.mailer import build_mailer
from app.notifications.smtp import SmtpMailer, SmtpTarget

MAIL = Mail(to="ada@example.com", subject="Welcome", body="Hello Ada.")


class TestSmtpTarget:
    @pytest.mark.parametrize(
        ("url", "target"),
        [
            pytest.param(
                "smtp://mail.example.com",
                SmtpTarget(host="mail.example.com", port=587, use_tls=False),
                id="smtp_default_port",
            ),
            pytest.param(
                "smtps://mail.example.com",
                SmtpTarget(host="mail.example.com", port=465, use_tls=True),
                id="smtps_default_port",
            ),
            pytest.param(
                "smtp://shop%40example.com:p%40ss:w@127.0.0.1:2525",
                SmtpTarget(
                    host="127.0.0.1",
                    port=2525,
                    use_tls=False,
                    username="shop@example.com",
                    password="p@ss:w",
                ),
                id="credentials_percent_decoded",
            ),
        ],
    )
    def test_a_url_gives_host_port_tls_and_credentials(self, url: str, target: SmtpTarget) -> None:
        assert SmtpTarget.parse(url) == target

    @pytest.mark.parametrize(
        ("url", "message"),
        [
            pytest.param(
                "http://u:secret@mail.example.com",
                "SMTP_URL must start with smtp:// or smtps://, not 'http'",
                id="wrong_scheme",
            ),
            pytest.param("smtp://u:secret@:25", "SMTP_URL has no host", id="no_host"),
            pytest.param(
                "smtp://u:secret@mail.example.com:port", "SMTP_URL has an invalid port", id="port"
            ),
        ],
    )
    def test_a_bad_url_is_refused_without_echoing_the_password(
        self, url: str, message: str
    ) -> None:
        with pytest.raises(ValueError, match=f"^{message}$") as raised:
            SmtpTarget.parse(url)

        assert "secret" not in str(raised.value)


async def test_with_smtp_url_the_app_sends_over_smtp_to_that_server(
    mocker: MockerFixture,
) -> None:
    send = mocker.patch("aiosmtplib.send", autospec=True)
    settings = Settings(
        _env_file=None,
        environment=Environment.TEST,
        smtp_url=SecretStr("smtps://u:pw@mail.example.com:2465"),
        mail_from="shop@example.com",
        smtp_timeout_seconds=4.5,
    )

    mailer = build_mailer(settings)
    await mailer.send(MAIL)

    # The URL's server, the sender and the timeout all reach the send (mutation testing found
    # an isinstance check alone blind to each of them being dropped).
    assert isinstance(mailer, SmtpMailer)
    send.assert_awaited_once_with(
        mocker.ANY,
        hostname="mail.example.com",
        port=2465,
        username="u",
        password="pw",
        use_tls=True,
        timeout=4.5,
    )
    assert send.call_args.args[0]["From"] == "shop@example.com"


async def test_send_passes_the_message_target_and_timeout_to_aiosmtplib(
    mocker: MockerFixture,
) -> None:
    send = mocker.patch("aiosmtplib.send", autospec=True)
    target = SmtpTarget("mail.example.com", 465, use_tls=True, username="u", password="pw")

    await SmtpMailer(target, sender="shop@example.com", timeout=7.5).send(MAIL)

    send.assert_awaited_once_with(
        mocker.ANY,
        hostname="mail.example.com",
        port=465,
        username="u",
        password="pw",
        use_tls=True,
        timeout=7.5,
    )
    message = send.call_args.args[0]
    # The headers as sent, names spelled as the server receives them: `message["From"]` would
    # also find a "FROM" header (mutation testing, docs/mutation.md "A worked example").
    assert message.items() == [
        ("From", "shop@example.com"),
        ("To", "ada@example.com"),
        ("Subject", "Welcome"),
        ("Content-Type", 'text/plain; charset="utf-8"'),
        ("Content-Transfer-Encoding", "7bit"),
        ("MIME-Version", "1.0"),
    ]
    assert message.get_content() == "Hello Ada.\n"

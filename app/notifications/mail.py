"""A mail as the app composes it; the senders (mailer.py, smtp.py) take it, the domains build it.

Its own module so the senders and the domains' messages (app/orders/messages.py,
app/users/messages.py) share it without importing each other (issue 16, layers).
"""

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Mail:
    to: str
    subject: str
    body: str

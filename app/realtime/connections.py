"""Open WebSockets per client address in this process, at most `per_client` each (issue 15,
finding 6): each socket may hold an outbox's worth of memory, so one client cannot hold many.

The client is the address the login limits use too (app/core/client_address.py). The count is
per process: with N workers a client may hold up to N times the limit.
"""

from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from starlette.requests import HTTPConnection

from app.core.client_address import TrustedProxies
from app.core.config import Settings


@dataclass
class ClientConnections:
    per_client: int
    trusted_proxies: TrustedProxies
    open: Counter[str] = field(default_factory=Counter)

    @classmethod
    def from_settings(cls, settings: Settings) -> "ClientConnections":
        return cls(
            settings.ws_max_connections_per_client,
            TrustedProxies.parse(settings.trusted_proxies),
        )

    @contextmanager
    def slot(self, connection: HTTPConnection) -> Iterator[bool]:
        """Holds one of the client's slots for the block; yields False when none was free."""
        client = self.trusted_proxies.of(connection)
        if self.open[client] >= self.per_client:
            yield False
            return
        self.open[client] += 1
        try:
            yield True
        finally:
            self.open[client] -= 1
            if not self.open[client]:
                del self.open[client]

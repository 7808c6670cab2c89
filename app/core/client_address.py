"""Who the client is: the peer address, or what a trusted proxy says in X-Forwarded-For.

Only the proxies we run may speak for the client, and each appends the address it saw to the
right of X-Forwarded-For; everything to the left of that came from the client and can be forged.
So the walk goes right to left over trusted hops and stops at the first address that is not a
trusted proxy (see TUTORIAL-DEFECTS.md: "Rate limits keyed on an unverified header").
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network, ip_address, ip_network

from starlette.requests import HTTPConnection

UNKNOWN_CLIENT = "unknown"

Address = IPv4Address | IPv6Address
Network = IPv4Network | IPv6Network


def _parse_address(value: str) -> Address | None:
    try:
        return ip_address(value.strip())
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class TrustedProxies:
    """Addresses or networks (`10.0.0.1`, `10.0.0.0/8`, `fd00::/8`) whose X-Forwarded-For counts."""

    networks: tuple[Network, ...] = ()

    @classmethod
    def parse(cls, entries: Iterable[str]) -> "TrustedProxies":
        """Raises ValueError naming the entry that is neither an address nor a network."""
        networks: list[Network] = []
        for entry in entries:
            try:
                networks.append(ip_network(entry.strip(), strict=False))
            except ValueError as exc:
                raise ValueError(
                    f"TRUSTED_PROXIES: {entry!r} is not an IP address or network"
                ) from exc
        return cls(tuple(networks))

    def trusts(self, address: Address) -> bool:
        return any(address in network for network in self.networks)

    def client_address(self, peer: str | None, forwarded_for: Sequence[str]) -> str:
        """The client's address given the TCP peer and every X-Forwarded-For header, in order.

        A peer that is not a trusted proxy is the client, whatever its headers say. Behind
        trusted proxies, the client is the right-most forwarded address that is not one of them
        (the left-most trusted one if all are). A malformed hop ends the walk at the last
        trusted address: a value no proxy of ours would write is not believed.
        """
        if peer is None:
            return UNKNOWN_CLIENT
        current = _parse_address(peer)
        if current is None:
            return peer
        hops = [hop for header in forwarded_for for hop in header.split(",") if hop.strip()]
        while self.trusts(current) and hops:
            previous = _parse_address(hops.pop())
            if previous is None:
                break
            current = previous
        return str(current)

    def of(self, connection: HTTPConnection) -> str:
        """The client address of a request or WebSocket connection."""
        peer = connection.client.host if connection.client else None
        return self.client_address(peer, connection.headers.getlist("x-forwarded-for"))

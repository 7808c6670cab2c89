"""What waits in an outbox: text frames that know the memory they hold until they are sent.

A frame is rendered to its JSON text only when its turn to be sent comes. Most are small and
rendered at once (`JsonFrame`); the chat's echo is not (`Echo`): its message carries the
client's text twice (`content` and `echo`, API.md), so it keeps the text once and builds the
message when sent, and a queued 64 KiB echo holds 64 KiB, not 128 (issue 15, finding 6).
"""

import json
import sys
from dataclasses import dataclass
from typing import Any, Protocol

Message = dict[str, Any]


def render(message: Message) -> str:
    """The text frame Starlette's `send_json` would send for `message`."""
    return json.dumps(message, separators=(",", ":"), ensure_ascii=False)


class Frame(Protocol):
    @property
    def size(self) -> int:
        """Bytes of memory this frame holds while it waits."""
        ...

    def text(self) -> str: ...


@dataclass(frozen=True, slots=True)
class JsonFrame:
    rendered: str

    @classmethod
    def of(cls, message: Message) -> "JsonFrame":
        return cls(render(message))

    @property
    def size(self) -> int:
        return sys.getsizeof(self.rendered)

    def text(self) -> str:
        return self.rendered


@dataclass(frozen=True, slots=True)
class Echo:
    """The chat's answer to a text frame, built when it is sent."""

    client_id: str
    content: str

    @property
    def size(self) -> int:
        # The client id is the connection's own string, shared by all its echoes.
        return sys.getsizeof(self.content)

    def text(self) -> str:
        return render(
            {
                "type": "message",
                "client_id": self.client_id,
                "content": self.content,
                "echo": f"Server received: {self.content}",
            }
        )

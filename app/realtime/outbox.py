"""One WebSocket's outgoing messages: a bounded queue drained by the connection's own task.

Whoever sends to a connection (the chat room, the event bus) only puts a message in its queue,
which never waits: a slow or dead client can never hold up the others. When the queue is full
the *oldest* message is dropped (and counted): the client keeps getting the newest ones, and
memory per client stays bounded. A dead client's drain task stays blocked in `send` until the
server notices the disconnect (uvicorn's ping timeout), then it is cancelled.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

Message = dict[str, Any]
Send = Callable[[Message], Awaitable[None]]

SEND_QUEUE_SIZE = 64
# How long a closing connection may spend flushing what is queued before the close frame.
FLUSH_TIMEOUT_SECONDS = 1.0


class Outbox:
    def __init__(self, send: Send, *, maxsize: int = SEND_QUEUE_SIZE) -> None:
        self._send = send
        self._queue: asyncio.Queue[Message] = asyncio.Queue(maxsize)
        self.dropped = 0

    def push(self, message: Message) -> None:
        """Queues `message` without waiting; drops the oldest queued one when full."""
        if self._queue.full():
            self._queue.get_nowait()
            self._queue.task_done()
            self.dropped += 1
        self._queue.put_nowait(message)

    async def drain(self) -> None:
        """Sends queued messages in order, forever; stops quietly when sending fails."""
        while True:
            message = await self._queue.get()
            try:
                await self._send(message)
            except Exception:  # the client is gone: the receive side will see it too
                return
            finally:
                self._queue.task_done()

    async def flush(self, seconds: float = FLUSH_TIMEOUT_SECONDS) -> bool:
        """Waits until everything queued was sent; False when `seconds` passed first."""
        try:
            async with asyncio.timeout(seconds):
                await self._queue.join()
        except TimeoutError:
            return False
        return True


@contextlib.asynccontextmanager
async def open_outbox(send: Send, *, maxsize: int = SEND_QUEUE_SIZE) -> AsyncIterator[Outbox]:
    """An outbox whose drain task runs for the duration of the block."""
    outbox = Outbox(send, maxsize=maxsize)
    task = asyncio.create_task(outbox.drain(), name="websocket-outbox")
    try:
        yield outbox
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)

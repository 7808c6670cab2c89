"""One WebSocket's outgoing frames: a queue bounded in bytes, drained by the connection's own task.

Whoever sends to a connection (the chat room, the event bus) only pushes a frame, which never
waits: a slow or dead client can never hold up the others. A client that does not read what it
is sent makes its queue grow; a push that would take the queued frames past `max_bytes` marks
the client as too slow instead: the queue is emptied, later pushes are ignored, and
`overflowed` is set for the connection to close it with 1008 (issue 15, finding 6;
docs/decisions.md). So a connection holds at most `max_bytes` of queued frames, plus the one
frame its drain task is sending.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

import anyio

from app.realtime.frames import Frame

SendText = Callable[[str], Awaitable[None]]

# How long a closing connection may spend flushing what is queued before the close frame.
FLUSH_TIMEOUT_SECONDS = 1.0


class Outbox:
    def __init__(self, send: SendText, *, max_bytes: int) -> None:
        self._send = send
        self._queue: asyncio.Queue[Frame] = asyncio.Queue()
        self.max_bytes = max_bytes
        self.queued_bytes = 0
        self.peak_bytes = 0
        self.overflowed = asyncio.Event()

    def push(self, frame: Frame) -> None:
        """Queues `frame` without waiting; past `max_bytes`, drops everything and overflows."""
        if self.overflowed.is_set():
            return
        if self.queued_bytes + frame.size > self.max_bytes:
            while not self._queue.empty():
                self._queue.get_nowait()
                self._queue.task_done()
            self.queued_bytes = 0
            self.overflowed.set()
            return
        self._queue.put_nowait(frame)
        self.queued_bytes += frame.size
        self.peak_bytes = max(self.peak_bytes, self.queued_bytes)

    async def drain(self) -> None:
        """Sends queued frames in order, forever; stops quietly when sending fails."""
        while True:
            frame = await self._queue.get()
            self.queued_bytes -= frame.size
            try:
                await self._send(frame.text())
            except Exception:  # the client is gone: the receive side will see it too
                return
            finally:
                self._queue.task_done()

    async def flush(self, seconds: float = FLUSH_TIMEOUT_SECONDS) -> bool:
        """Waits until everything queued was sent; False when `seconds` passed first.

        anyio's deadline, not `asyncio.timeout`: a cancel scope around the connection (the
        server's, or Starlette's TestClient's at teardown) that cancels during the wait must
        see its own cancellation, not one `asyncio.timeout` took for its own."""
        with anyio.move_on_after(seconds) as deadline:
            await self._queue.join()
        return not deadline.cancelled_caught


@contextlib.asynccontextmanager
async def open_outbox(send: SendText, *, max_bytes: int) -> AsyncIterator[Outbox]:
    """An outbox whose drain task runs for the duration of the block (an anyio task group, as
    `converse` uses: cancelled with the connection's scope)."""
    outbox = Outbox(send, max_bytes=max_bytes)
    async with anyio.create_task_group() as group:
        group.start_soon(outbox.drain, name="websocket-outbox")
        try:
            yield outbox
        finally:
            group.cancel_scope.cancel()

"""The app's password hashing, watched or held, for live-server tests (tests/resilience/).

`HookedPasswords` awaits a hook before every hash and verify: a probe of what the database
holds at that moment, or `HeldVerifies.hold`, which stands in for slow Argon2 checks all in
flight at once, without a clock. `HeldHashes` is held one level down, in the worker threads, to
count how many hashes really run at once.
"""

import threading
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from typing import Literal

from pwdlib.hashers.argon2 import Argon2Hasher

from app.core.security import Passwords
from tests.support.rendezvous import Rendezvous

Work = Literal["hash", "verify"]


class HookedPasswords:
    """`inner` (the app's `Passwords`) with `before(work)` awaited before each hash or verify.

    Install it with `app.state.passwords = HookedPasswords(app.state.passwords, before)`
    before the app is served: requests read `app.state.passwords`.
    """

    def __init__(self, inner: Passwords, before: Callable[[Work], Awaitable[None]]) -> None:
        self._inner = inner
        self._before = before

    async def hash(self, password: str) -> str:
        await self._before("hash")
        return await self._inner.hash(password)

    async def verify(self, password: str, password_hash: str | None) -> bool:
        await self._before("verify")
        return await self._inner.verify(password, password_hash)


class HeldVerifies:
    """Holds every verify until each of `parties` requests is verifying or has been answered.

    As if every check took long enough for all the requests to overlap: whatever runs before
    the verify (the login limit, the user lookup, a transaction taken too early) runs for all of
    them first, deterministically: a `Rendezvous` at the verify. A request that never gets to
    verify (a 429, a 500) counts once its response starts, so the hold ends either way. Wrap the
    served app with `app()` so answers are counted, and use `hold` as the `HookedPasswords` hook.
    """

    def __init__(self, parties: int) -> None:
        self.verifies = 0  # every verify that started, held or not
        self._rendezvous = Rendezvous()
        self._rendezvous.expect(parties)
        self.app = self._rendezvous.app

    async def hold(self, work: Work) -> None:
        if work != "verify":
            return
        self.verifies += 1
        await self._rendezvous.arrive()


# Bounds a hang only: a hash nobody releases fails its request instead of stalling the server.
HOLD_DEADLINE_SECONDS = 60.0


class HeldHashes(Argon2Hasher):
    """The test environment's Argon2 hasher, counting the hashes and verifies running at once
    (`running`, and the most there ever were in `most`); after `hold()` each waits in its worker
    thread until `release()`.

    It sits under `Passwords` (patch `app.core.security.password_hasher` to return it before
    the app is built), so it sees what the worker threads really run, inside whatever bound
    `Passwords` keeps: with every running one held, the others wait for a slot
    (`Passwords.waiting`), and once each request of a burst is one or the other, `running` is
    all that were let in at once.
    """

    def __init__(self) -> None:
        super().__init__(time_cost=1, memory_cost=8, parallelism=1)
        self.running = 0
        self.most = 0
        self._lock = threading.Lock()
        self._open = threading.Event()
        self._open.set()

    def hold(self) -> None:
        self._open.clear()

    def release(self) -> None:
        self._open.set()

    def hash(self, password: str | bytes, *, salt: bytes | None = None) -> str:
        with self._held():
            return super().hash(password, salt=salt)

    def verify(self, password: str | bytes, hash: str | bytes) -> bool:
        with self._held():
            return super().verify(password, hash)

    @contextmanager
    def _held(self) -> Iterator[None]:
        with self._lock:
            self.running += 1
            self.most = max(self.most, self.running)
        try:
            if not self._open.wait(HOLD_DEADLINE_SECONDS):
                raise RuntimeError(f"a held hash was not released in {HOLD_DEADLINE_SECONDS} s")
            yield
        finally:
            with self._lock:
                self.running -= 1

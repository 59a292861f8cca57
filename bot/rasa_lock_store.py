"""Per-conversation locks shared by the Rasa server's worker processes, with nothing to install.

Rasa handles one message per conversation at a time, under a lock from its lock store. The
default store lives in one process's memory, so Rasa runs a single process unless the locks are
shared; its shared store needs a Redis server. Nadir's Rasa workers all run on one machine (they
are forked by one `rasa run`), so an advisory file lock does the same job: `flock` on one of a
fixed set of lock files chosen by a hash of the conversation id. Two conversations that share a
file only wait for each other's turn; the kernel drops a lock when its process dies, so a crash
never leaves a conversation locked.
"""

from __future__ import annotations

import asyncio
import fcntl
import hashlib
import os
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore

DEFAULT_BUCKETS = 1024
_FIRST_RETRY_SECONDS = 0.002
_LONGEST_RETRY_SECONDS = 0.05


class FileLockStore(LockStore):
    """Rasa `LockStore` backed by `flock` on files in one directory.

    endpoints.yml:

        lock_store:
          type: bot.rasa_lock_store.FileLockStore
          directory: var/locks
    """

    def __init__(
        self,
        endpoint_config: Any = None,
        directory: str | Path | None = None,
        buckets: int = DEFAULT_BUCKETS,
    ) -> None:
        options = dict(getattr(endpoint_config, "kwargs", None) or {})
        directory = directory or options.get("directory")
        if not directory:
            raise ValueError("FileLockStore needs a directory for its lock files")
        self.directory = Path(directory)
        self.buckets = int(options.get("buckets", buckets))
        if self.buckets < 1:
            raise ValueError("FileLockStore needs at least one bucket")
        self.directory.mkdir(parents=True, exist_ok=True)

    def path_for(self, conversation_id: str) -> Path:
        digest = hashlib.blake2b(conversation_id.encode("utf-8"), digest_size=8).digest()
        return self.directory / f"{int.from_bytes(digest, 'big') % self.buckets:04d}.lock"

    @asynccontextmanager
    async def lock(
        self,
        conversation_id: str,
        lock_lifetime: float = LOCK_LIFETIME,
        wait_time_in_seconds: float = 1,
    ) -> AsyncIterator[TicketLock]:
        """Hold the conversation's lock for the block; LockError after `lock_lifetime` waiting.

        Waiting polls with a short, growing sleep instead of blocking, so the event loop goes on
        serving other conversations meanwhile.
        """
        descriptor = os.open(self.path_for(conversation_id), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            deadline = time.monotonic() + lock_lifetime
            delay = _FIRST_RETRY_SECONDS
            while True:
                try:
                    fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise LockError(
                            f"Could not acquire the lock for conversation '{conversation_id}' "
                            f"within {lock_lifetime:.0f} s"
                        ) from None
                    await asyncio.sleep(delay)
                    delay = min(delay * 2, _LONGEST_RETRY_SECONDS)
            yield TicketLock(conversation_id)
        finally:
            os.close(descriptor)  # closing the file releases the lock

    # Rasa's ticket API is only used by LockStore.lock, which this class replaces.
    def get_lock(self, conversation_id: str) -> TicketLock | None:
        raise NotImplementedError("FileLockStore keeps no tickets; use lock()")

    def delete_lock(self, conversation_id: str) -> None:
        raise NotImplementedError("FileLockStore keeps no tickets; use lock()")

    def save_lock(self, lock: TicketLock) -> None:
        raise NotImplementedError("FileLockStore keeps no tickets; use lock()")

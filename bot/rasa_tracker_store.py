"""Rasa's SQL tracker store, made fit for several Rasa processes sharing one SQLite file.

Two changes to Rasa's `SQLTrackerStore`, nothing else:
- Its tables are created under a file lock, so Rasa workers starting together do not race to
  create them (Rasa survives the race but logs it as an error).
- For a SQLite file, connections are pooled and the file is in WAL mode, as for Nadir's own
  database (bot/db/session.py). Rasa's default opens and closes a connection for every read and
  write of a conversation, and each close flushes to disk.
"""

from __future__ import annotations

import fcntl
import os
from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from sqlalchemy.orm import sessionmaker

from bot.db.session import make_engine


class SharedSQLTrackerStore(SQLTrackerStore):
    """endpoints.yml: `type: bot.rasa_tracker_store.SharedSQLTrackerStore`, Rasa's SQL options,
    and `init_lock`, a file the Rasa workers lock while they create the tables."""

    def __init__(self, *args: Any, init_lock: str | None = None, **kwargs: Any) -> None:
        if init_lock is None:
            super().__init__(*args, **kwargs)
        else:
            descriptor = os.open(init_lock, os.O_RDWR | os.O_CREAT, 0o600)
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX)
                super().__init__(*args, **kwargs)
            finally:
                os.close(descriptor)
        url = self.engine.url
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            self.engine.dispose()
            self.engine = make_engine(str(url), future=False)
            self.sessionmaker = sessionmaker(bind=self.engine)

"""Engine and session factories: built on demand from settings, never at import time."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine, create_engine, make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool, StaticPool


def make_engine(database_url: str, *, future: bool = True) -> Engine:
    """An engine for `database_url`; SQLite files get WAL and a busy timeout for several processes.

    `future=False` gives the 1.x-style engine that Rasa's own SQL code expects.
    """
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return create_engine(database_url, future=future, pool_pre_ping=True)
    if url.database and url.database != ":memory:":
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        # keep connections open: SQLAlchemy 1.4's default for SQLite files opens and closes one
        # per transaction, and each close costs a disk flush (measured: 7 ms against 0.5 ms)
        engine = create_engine(
            database_url,
            future=future,
            poolclass=QueuePool,
            pool_size=5,
            max_overflow=10,
            connect_args={"check_same_thread": False},
        )
    else:
        # one shared connection, so an in-memory database outlives each session
        engine = create_engine(
            database_url,
            future=future,
            poolclass=StaticPool,
            connect_args={"check_same_thread": False},
        )

    @event.listens_for(engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        cursor = dbapi_connection.cursor()
        # several processes share one file: the action server, Rasa's workers, the worker, the CLI
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA busy_timeout=10000")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()

    return engine


def make_session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(engine, future=True, expire_on_commit=False)


@contextmanager
def unit_of_work(factory: sessionmaker) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back if it raises."""
    session: Session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()

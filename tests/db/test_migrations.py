"""The Alembic migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from bot.db.migrate import upgrade
from bot.db.models import metadata
from bot.db.session import make_engine


def test_migrations_match_the_models() -> None:
    engine = make_engine("sqlite://")
    upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": False})
        assert compare_metadata(context, metadata) == []


def test_upgrading_twice_is_harmless() -> None:
    engine = make_engine("sqlite://")
    upgrade(engine)
    upgrade(engine)
    with engine.connect() as connection:
        assert MigrationContext.configure(connection).get_current_revision() is not None

"""Alembic environment: uses the connection handed over by bot.db.migrate, or the configured URL."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from bot.db.models import metadata

config = context.config


def _include_object(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    # Rasa's tracker store owns a table called "events"; never offer to drop it.
    return not (type_ == "table" and name == "events")


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        context.configure(
            connection=connection,
            target_metadata=metadata,
            include_object=_include_object,
            render_as_batch=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = create_engine(config.get_main_option("sqlalchemy.url"), future=True)
    with engine.begin() as conn:
        context.configure(
            connection=conn,
            target_metadata=metadata,
            include_object=_include_object,
            render_as_batch=True,
        )
        with context.begin_transaction():
            context.run_migrations()


run_migrations()

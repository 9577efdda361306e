"""Alembic migrations on SQLite and PostgreSQL match the tables the hub uses."""

from __future__ import annotations

from sqlalchemy import create_engine, inspect

from hub import tables
from hub.db import migrate, normalize_url


def _columns(url: str) -> dict[str, set[str]]:
    engine = create_engine(normalize_url(url))
    try:
        found = inspect(engine)
        return {
            t: {c["name"] for c in found.get_columns(t)}
            for t in found.get_table_names()
        }
    finally:
        engine.dispose()


def test_upgrade_creates_every_table_and_column_the_hub_uses(database_url: str) -> None:
    migrate(database_url)
    found = _columns(database_url)
    for table in tables.metadata.sorted_tables:
        assert found[table.name] == {c.name for c in table.columns}, table.name


def test_upgrade_is_idempotent_and_downgrade_removes_everything(
    database_url: str,
) -> None:
    migrate(database_url)
    migrate(database_url)
    migrate(database_url, "base")
    assert set(_columns(database_url)) <= {"alembic_version"}

"""Alembic migrations on SQLite and PostgreSQL match the tables the hub uses."""

from __future__ import annotations

import msgpack
from sqlalchemy import create_engine, insert, inspect, select

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


def test_upgrade_deletes_private_fields_stored_in_plaintext_and_routes_follow_ups(
    database_url: str,
) -> None:
    migrate(database_url, "0003")
    engine = create_engine(normalize_url(database_url))
    pack = msgpack.packb
    rows = [
        ("f" * 32, "follow_up", "title", pack("MARKER call back")),
        ("f" * 32, "follow_up", "team", pack("north")),
        ("a" * 32, "actor", "notes", pack("MARKER tense")),
        ("a" * 32, "actor", "name", pack("Brigade 7")),
    ]
    try:
        with engine.begin() as conn:
            for rid, kind in {(r[0], r[1]) for r in rows}:
                conn.execute(
                    insert(tables.reg_records).values(id=rid, kind=kind, seq=1)
                )
            for rid, _, name, value in rows:
                conn.execute(
                    insert(tables.reg_fields).values(
                        record_id=rid,
                        field=name,
                        value=value,
                        hlc="1",
                        device="d",
                        seq=1,
                    )
                )
        migrate(database_url)
        with engine.connect() as conn:
            kept = {
                (r.record_id, r.field) for r in conn.execute(select(tables.reg_fields))
            }
            teams = {
                r.id: r.team
                for r in conn.execute(
                    select(tables.reg_records.c.id, tables.reg_records.c.team)
                )
            }
    finally:
        engine.dispose()
    assert kept == {("f" * 32, "team"), ("a" * 32, "name")}
    assert teams == {"f" * 32: "north", "a" * 32: None}

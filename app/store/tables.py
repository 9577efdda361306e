"""The vault's tables. Names are neutral on purpose: the schema is plaintext on disk.

* ``m``: settings and state, one sealed value per keyed-hash name
* ``r``: every revision of every record, sealed, keyed by revision id
* ``h``: the current state of each record (heads, history, winning body), sealed
* ``q``: the outbox, revision ids waiting for the hub, in write order
* ``v``: names of the schema migrations applied
"""

from __future__ import annotations

from sqlalchemy import Column, Integer, LargeBinary, MetaData, String, Table

__all__ = ["heads", "meta", "metadata", "outbox", "revisions", "versions"]

metadata = MetaData()

versions = Table("v", metadata, Column("name", String, primary_key=True))
meta = Table(
    "m",
    metadata,
    Column("k", String, primary_key=True),
    Column("b", LargeBinary, nullable=False),
)
revisions = Table(
    "r",
    metadata,
    Column("id", String, primary_key=True),
    Column("b", LargeBinary, nullable=False),
)
heads = Table(
    "h",
    metadata,
    Column("id", String, primary_key=True),
    Column("b", LargeBinary, nullable=False),
)
outbox = Table(
    "q",
    metadata,
    Column("n", Integer, primary_key=True, autoincrement=True),
    Column("id", String, nullable=False, unique=True),
    sqlite_autoincrement=True,
)

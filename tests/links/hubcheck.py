"""What reached a hub: every sealed revision, opened with the organisation's key."""

from __future__ import annotations

import collections
import io
import json

import msgpack
import zstandard
from sqlalchemy import select

from hub import tables
from hub.db import HubDb
from models.keys import open_sealed, unpad, unwrap_secret
from models.wire import seal_aad

__all__ = ["records_private_key", "sealed_revisions"]


def records_private_key(db: HubDb, passphrase: str) -> bytes:
    """The organisation's records key, unwrapped as a coordinator would."""
    with db.read() as conn:
        wrapped = conn.execute(select(tables.org.c.records_wrapped)).scalar_one()
    return unwrap_secret(bytes(wrapped), passphrase)


def sealed_revisions(db: HubDb, records_key: bytes) -> collections.Counter[str]:
    """How many times each revision id appears in the hub's sealed batches."""
    found: collections.Counter[str] = collections.Counter()
    with db.read() as conn:
        rows = conn.execute(
            select(tables.sealed.c.device, tables.sealed.c.batch, tables.sealed.c.ct)
        ).all()
    for row in rows:
        plain = open_sealed(
            records_key, bytes(row.ct), aad=seal_aad(row.device, row.batch)
        )
        data = (
            zstandard.ZstdDecompressor().stream_reader(io.BytesIO(unpad(plain))).read()
        )
        for _kind, doc in msgpack.unpackb(data):
            found[str(json.loads(doc)["rev"])] += 1
    return found

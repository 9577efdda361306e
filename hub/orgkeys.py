"""The organisation and the hub's keys.

* records key (X25519): devices seal contacts to its public half; the private half
  is stored only wrapped by the organisation passphrase (coordinators unwrap it).
* command key (Ed25519): signs device certificates and commands (wipe).
* publishing key (Ed25519): signs guidance packs.
* hub key (X25519): lets a new device prove it holds its X25519 key.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import insert, select

from hub import tables
from hub.db import HubDb
from models.keys import WrapParams, box_public, new_key, signing_public, wrap_secret

__all__ = ["OrgExists", "OrgKeys", "init_org", "load_org"]


class OrgExists(Exception):
    """``init`` refuses to replace an existing organisation."""


@dataclass(frozen=True)
class OrgKeys:
    """The organisation row, with public halves derived once."""

    name: str
    records_pub: bytes
    records_wrapped: bytes
    command_sk: bytes
    publish_sk: bytes
    hub_sk: bytes

    @property
    def command_pub(self) -> bytes:
        """The command key devices pin."""
        return signing_public(self.command_sk)

    @property
    def publish_pub(self) -> bytes:
        """The publishing key devices pin."""
        return signing_public(self.publish_sk)

    @property
    def hub_pub(self) -> bytes:
        """The hub's X25519 key used for enrollment proofs."""
        return box_public(self.hub_sk)


def init_org(
    db: HubDb, *, name: str, passphrase: str, params: WrapParams | None = None
) -> OrgKeys:
    """Create the organisation and every hub key.

    Raises:
        OrgExists: if the database already has an organisation.
    """
    if load_org(db) is not None:
        raise OrgExists()
    records_sk = new_key()
    keys = OrgKeys(
        name=name,
        records_pub=box_public(records_sk),
        records_wrapped=wrap_secret(records_sk, passphrase, params=params),
        command_sk=new_key(),
        publish_sk=new_key(),
        hub_sk=new_key(),
    )
    with db.write() as conn:
        conn.execute(
            insert(tables.org).values(
                id=1,
                name=name,
                records_pub=keys.records_pub,
                records_wrapped=keys.records_wrapped,
                command_sk=keys.command_sk,
                publish_sk=keys.publish_sk,
                hub_sk=keys.hub_sk,
                created_at=int(time.time() * 1000),
            )
        )
    return keys


def load_org(db: HubDb) -> OrgKeys | None:
    """Return the organisation's keys, or ``None`` before ``init``."""
    with db.read() as conn:
        row = conn.execute(select(tables.org).where(tables.org.c.id == 1)).first()
    if row is None:
        return None
    return OrgKeys(
        name=row.name,
        records_pub=bytes(row.records_pub),
        records_wrapped=bytes(row.records_wrapped),
        command_sk=bytes(row.command_sk),
        publish_sk=bytes(row.publish_sk),
        hub_sk=bytes(row.hub_sk),
    )

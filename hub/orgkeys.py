"""The organisation and the hub's keys.

* records key (X25519): devices seal contacts to its public half; the private half
  is stored only wrapped by the organisation passphrase (coordinators unwrap it).
* command key (Ed25519): signs device certificates and commands (wipe).
* publishing key (Ed25519): signs guidance packs.
* hub key (X25519): lets a new device prove it holds its X25519 key.

The three hub keys are sealed in the database with the hub key file
(:mod:`hub.keyfile`), so a copy of the database alone cannot sign anything.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from sqlalchemy import insert, select

from hub import audit, tables
from hub.db import HubDb
from hub.keyfile import seal, unseal
from models.keys import (
    WrapParams,
    box_public,
    fingerprint,
    new_key,
    signing_public,
    wrap_secret,
)

__all__ = ["OrgExists", "OrgKeys", "init_org", "load_org", "org_exists"]


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
    db: HubDb,
    *,
    name: str,
    passphrase: str,
    master: bytes,
    params: WrapParams | None = None,
) -> OrgKeys:
    """Create the organisation and every hub key.

    The signing keys are stored sealed with ``master`` (the hub key file), the
    records key wrapped by the organisation passphrase.

    Raises:
        OrgExists: if the database already has an organisation.
    """
    if org_exists(db):
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
    at = int(time.time() * 1000)
    with db.write() as conn:
        conn.execute(
            insert(tables.org).values(
                id=1,
                name=name,
                records_pub=keys.records_pub,
                records_wrapped=keys.records_wrapped,
                command_sk=seal(master, keys.command_sk, label="command_sk"),
                publish_sk=seal(master, keys.publish_sk, label="publish_sk"),
                hub_sk=seal(master, keys.hub_sk, label="hub_sk"),
                created_at=at,
            )
        )
        audit.append(
            conn,
            keys.command_sk,
            action="init",
            actor="operator",
            subject="organisation",
            at=at,
            detail={
                "command_key": fingerprint(keys.command_pub),
                "publishing_key": fingerprint(keys.publish_pub),
                "records_key": fingerprint(keys.records_pub),
            },
        )
    return keys


def org_exists(db: HubDb) -> bool:
    """True once ``init`` has run on this database."""
    with db.read() as conn:
        return conn.execute(select(tables.org.c.id)).first() is not None


def load_org(db: HubDb, *, master: bytes) -> OrgKeys | None:
    """Return the organisation's keys, or ``None`` before ``init``.

    Raises:
        KeyFileError: if ``master`` is not the key this database was sealed with.
    """
    with db.read() as conn:
        row = conn.execute(select(tables.org).where(tables.org.c.id == 1)).first()
    if row is None:
        return None
    return OrgKeys(
        name=row.name,
        records_pub=bytes(row.records_pub),
        records_wrapped=bytes(row.records_wrapped),
        command_sk=unseal(master, bytes(row.command_sk), label="command_sk"),
        publish_sk=unseal(master, bytes(row.publish_sk), label="publish_sk"),
        hub_sk=unseal(master, bytes(row.hub_sk), label="hub_sk"),
    )

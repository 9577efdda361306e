"""Sealing content to a team's devices and the coordinators, and opening it.

The device keeps the last directory the hub served (:mod:`models.wire.directory`)
sealed in its vault. Content about a team is sealed to that team's devices and
every coordinator listed in it, this device, and the organisation records key
(:func:`models.envelope.team_recipients`). A device enrolled after content was
sealed cannot open it until someone seals it again (an edit does); coordinators
can, through the records key.
"""

from __future__ import annotations

from typing import Any

from app.store import Store
from app.sync.identity import RECORDS_KEY_META, Identity
from models.envelope import (
    ORG_RECIPIENT,
    Author,
    Opened,
    Recipient,
    open_envelope,
    seal_envelope,
    team_recipients,
)
from models.keys import box_public
from models.wire import (
    Certificate,
    Directory,
    pack_signed,
    unpack_signed,
    verified_certificates,
)

__all__ = [
    "DIRECTORY_META",
    "directory_certificates",
    "directory_version",
    "has_directory",
    "open_sealed_value",
    "reading_keys",
    "save_directory",
    "seal_for_team",
    "team_recipients_of",
]

DIRECTORY_META = "sync.directory"


def save_directory(store: Store, directory: Directory) -> None:
    """Keep the directory the hub served (replacing the previous one)."""
    store.set_meta(DIRECTORY_META, directory_state(directory))


def directory_state(directory: Directory) -> dict[str, Any]:
    """The meta value that stores ``directory`` (for a write with other state)."""
    return {
        "version": directory.version,
        "certs": [pack_signed(c) for c in directory.certs],
    }


def directory_version(store: Store) -> int:
    """The version of the directory this device holds (0: none yet)."""
    data: dict[str, Any] | None = store.get_meta(DIRECTORY_META)
    return int(data["version"]) if data else 0


def has_directory(store: Store) -> bool:
    """True once the hub has served this device a directory."""
    return store.get_meta(DIRECTORY_META) is not None


def directory_certificates(
    store: Store, identity: Identity, *, now_ms: int
) -> list[Certificate]:
    """The held directory's certificates that verify against the pinned key."""
    data: dict[str, Any] | None = store.get_meta(DIRECTORY_META)
    if not data:
        return []
    certs = [unpack_signed(raw) for raw in data["certs"]]
    return verified_certificates(certs, command_key=identity.command_key, now_ms=now_ms)


def team_recipients_of(
    store: Store, identity: Identity, *, team: str, now_ms: int
) -> list[Recipient]:
    """Who content about ``team`` is sealed to, from the held directory."""
    me = Recipient(identity.device, box_public(identity.x))
    certs = directory_certificates(store, identity, now_ms=now_ms)
    return team_recipients(certs, team=team, me=me, records_key=identity.records_key)


def seal_for_team(
    store: Store,
    identity: Identity,
    plaintext: bytes,
    *,
    team: str,
    context: bytes,
    now_ms: int,
) -> bytes:
    """Seal ``plaintext`` for ``team``'s devices and the coordinators.

    ``context`` binds it to what it fills (:func:`models.envelope.record_context`).
    """
    recipients = team_recipients_of(store, identity, team=team, now_ms=now_ms)
    author = Author(identity.device, identity.ed, identity.cert)
    return seal_envelope(recipients, plaintext, context=context, author=author)


def reading_keys(store: Store, identity: Identity) -> dict[str, bytes]:
    """This device's opening keys: its own, then the records key if unlocked."""
    keys = {identity.device: identity.x}
    records: bytes | None = store.get_meta(RECORDS_KEY_META)
    if records is not None:
        keys[ORG_RECIPIENT] = records
    return keys


def open_sealed_value(
    keys: dict[str, bytes], identity: Identity, data: bytes, *, context: bytes
) -> Opened:
    """Open an envelope sealed to this device (or to the records key it holds).

    Raises:
        CryptoError: not a recipient, a forged author, or damaged content.
        WireError: ``malformed``.
    """
    return open_envelope(
        data, keys=keys, context=context, command_key=identity.command_key
    )

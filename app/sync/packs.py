"""Hub-signed material: commands (wipe) and guidance packs.

The guidance service plugs in through :class:`PackInstaller`; this module only
checks signatures, versions and digests, so the pack format stays its business.
"""

from __future__ import annotations

import hashlib
from typing import Protocol

from app.errors import ContentError
from app.sync.identity import Identity
from models.keys import CryptoError
from models.wire import (
    COMMAND_CONTEXT,
    PACK_CONTEXT,
    Command,
    PackManifest,
    PackOffer,
    Signed,
    WireError,
    open_signed,
    unpack_signed,
)

__all__ = ["PackInstaller", "check_pack", "is_wipe", "verify_offer"]


class PackInstaller(Protocol):
    """What the sync engine needs from the guidance service."""

    def installed_version(self) -> int:
        """The version in use (0 when none)."""
        ...

    def install(self, *, version: int, data: bytes) -> None:
        """Verify the pack's own format and switch to it atomically.

        Raises:
            ContentError: if the pack is refused (the installed one stays in use).
        """
        ...


def is_wipe(identity: Identity, command: Signed | bytes) -> bool:
    """True only for a wipe command for this device signed by the pinned command key."""
    try:
        signed = unpack_signed(command) if isinstance(command, bytes) else command
        cmd = open_signed(
            identity.command_key, signed, Command, context=COMMAND_CONTEXT
        )
    except (CryptoError, WireError):
        return False
    return cmd.kind == "wipe" and cmd.device == identity.device


def verify_offer(
    identity: Identity, offer: PackOffer, *, installed: int
) -> PackManifest:
    """Check a pack offer against the pinned publishing key and the installed version.

    Raises:
        ContentError: ``bad_signature`` or ``older_version``.
    """
    try:
        manifest = open_signed(
            identity.publish_key, offer.manifest, PackManifest, context=PACK_CONTEXT
        )
    except (CryptoError, WireError):
        raise ContentError("bad_signature") from None
    if manifest.version <= installed:
        raise ContentError("older_version")
    return manifest


def check_pack(manifest: PackManifest, data: bytes) -> None:
    """Check downloaded bytes against the signed manifest.

    Raises:
        ContentError: ``digest_mismatch``.
    """
    if len(data) != manifest.size or hashlib.sha256(data).digest() != manifest.sha256:
        raise ContentError("digest_mismatch")

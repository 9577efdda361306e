"""Guidance packs: opaque bytes, signed by the publishing key, served by version."""

from __future__ import annotations

import hashlib
import io
import tomllib
import zipfile

from sqlalchemy import func, insert, select

from hub import audit, tables
from hub.db import HubDb
from hub.errors import HubError
from hub.orgkeys import OrgKeys
from models.wire import PACK_CONTEXT, PackManifest, pack_signed, sign_model

__all__ = ["latest_version", "pack_body", "publish"]

MAX_PACK_BYTES = 64 * 1024 * 1024


def latest_version(db: HubDb) -> int:
    """The newest published version, 0 when none."""
    with db.read() as conn:
        return int(conn.execute(select(func.max(tables.packs.c.version))).scalar() or 0)


def pack_version(data: bytes) -> int | None:
    """Read ``version`` from a pack archive's ``pack.toml``, or ``None`` if absent.

    The hub ships packs as opaque signed bytes; this only spares the operator from
    typing a version the devices will compare with their bundled pack.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            meta = tomllib.loads(archive.read("pack.toml").decode("utf-8"))
        version = meta.get("version")
    except (zipfile.BadZipFile, KeyError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        return None
    return version if isinstance(version, int) and version > 0 else None


def publish(
    db: HubDb, keys: OrgKeys, data: bytes, *, version: int | None, now_ms: int
) -> int:
    """Sign and store a pack. Versions only go up.

    Raises:
        ValueError: if ``version`` is not above the latest, or the pack is too big.
    """
    if len(data) > MAX_PACK_BYTES:
        raise ValueError("pack too large")
    with db.write() as conn:
        latest = int(
            conn.execute(select(func.max(tables.packs.c.version))).scalar() or 0
        )
        chosen = latest + 1 if version is None else version
        if chosen <= latest:
            raise ValueError(f"version must be above {latest}")
        manifest = PackManifest(
            version=chosen,
            sha256=hashlib.sha256(data).digest(),
            size=len(data),
            at=now_ms,
        )
        signed = sign_model(keys.publish_sk, manifest, context=PACK_CONTEXT)
        manifest_hex = manifest.sha256.hex()
        conn.execute(
            insert(tables.packs).values(
                version=chosen,
                manifest=pack_signed(signed),
                body=data,
                size=len(data),
                published_at=now_ms,
            )
        )
        audit.append(
            conn,
            keys.command_sk,
            action="publish",
            actor="operator",
            subject=f"guidance pack {chosen}",
            at=now_ms,
            detail={"version": chosen, "size": len(data), "sha256": manifest_hex},
        )
    return chosen


def pack_body(db: HubDb, version: int) -> bytes:
    """The bytes of one published version.

    Raises:
        HubError: 404 ``unknown_pack``.
    """
    with db.read() as conn:
        body = conn.execute(
            select(tables.packs.c.body).where(tables.packs.c.version == version)
        ).scalar()
    if body is None:
        raise HubError(404, "unknown_pack")
    return bytes(body)

"""Single-use enrollment codes and ``POST /v1/enroll``."""

from __future__ import annotations

import base64
import hashlib
import os
import uuid
from urllib.parse import quote

from sqlalchemy import Connection, insert, select, update

from hub import audit, tables
from hub.db import HubDb
from hub.directory import directory_changed
from hub.errors import HubError
from hub.orgkeys import OrgKeys
from models.enums import Role
from models.keys import CryptoError, verify, verify_dh_proof
from models.wire import (
    CERT_CONTEXT,
    Certificate,
    EnrollRequest,
    EnrollResponse,
    Signed,
    WireError,
    b64d,
    b64e,
    enroll_transcript,
    normalize_code,
    pack_signed,
    sign_model,
)

__all__ = ["create_code", "enroll", "enroll_uri", "normalize_code"]

CERT_DAYS = 365
_DAY_MS = 24 * 3600 * 1000


def _hash(code: str) -> str:
    return hashlib.sha256(normalize_code(code).encode()).hexdigest()


def create_code(db: HubDb, *, team: str, role: Role, ttl_ms: int, now_ms: int) -> str:
    """Create a 128-bit single-use code; only its hash is stored."""
    raw = base64.b32encode(os.urandom(16)).decode().rstrip("=")
    code = "-".join(raw[i : i + 4] for i in range(0, len(raw), 4))
    with db.write() as conn:
        conn.execute(
            insert(tables.enroll_codes).values(
                code_hash=_hash(code),
                team=team,
                role=role.value,
                created_at=now_ms,
                expires_at=now_ms + ttl_ms,
            )
        )
    return code


def enroll_uri(base_url: str, code: str) -> str:
    """The text a QR code carries: hub address and code in one string."""
    return f"parley://enroll?hub={quote(base_url, safe='')}&code={code}"


def _check_proofs(keys: OrgKeys, req: EnrollRequest) -> tuple[bytes, bytes]:
    try:
        ed, x = b64d(req.ed25519), b64d(req.x25519)
        code = normalize_code(req.code)
        transcript = enroll_transcript(code=code, ed=ed, x=x, hub_key=keys.hub_pub)
        verify(ed, b64d(req.signature), transcript)
        verify_dh_proof(keys.hub_sk, x, transcript, b64d(req.proof))
    except (CryptoError, WireError):
        raise HubError(400, "bad_proof") from None
    return ed, x


def _claim_code(conn: Connection, code: str, now_ms: int) -> tuple[str, str, str]:
    """Lock an unused, unexpired code; return (hash, team, role)."""
    row = conn.execute(
        select(tables.enroll_codes)
        .where(tables.enroll_codes.c.code_hash == _hash(code))
        .with_for_update()
    ).first()
    if row is None:
        raise HubError(403, "unknown_code")
    if row.used_at is not None:
        raise HubError(403, "code_used")
    if row.expires_at < now_ms:
        raise HubError(403, "code_expired")
    return row.code_hash, row.team, row.role


def _register(conn: Connection, cert: Certificate, signed: Signed, now_ms: int) -> None:
    conn.execute(
        insert(tables.devices).values(
            id=cert.device,
            team=cert.team,
            role=cert.role,
            ed_pub=cert.ed,
            x_pub=cert.x,
            cert=pack_signed(signed),
            status="active",
            enrolled_at=now_ms,
            last_batch=0,
            cmd_pending=False,
        )
    )
    directory_changed(conn)


def enroll(
    db: HubDb, keys: OrgKeys, req: EnrollRequest, *, now_ms: int
) -> EnrollResponse:
    """Consume a code and register the device whose keys the request proves.

    Raises:
        HubError: 400 ``bad_proof``; 403 ``unknown_code``, ``code_used``,
            ``code_expired``.
    """
    ed, x = _check_proofs(keys, req)
    with db.write() as conn:
        code_hash, team, role = _claim_code(conn, req.code, now_ms)
        cert = Certificate(
            device=uuid.uuid4().hex,
            team=team,
            role=role,
            ed=ed,
            x=x,
            issued=now_ms,
            not_after=now_ms + CERT_DAYS * _DAY_MS,
        )
        signed = sign_model(keys.command_sk, cert, context=CERT_CONTEXT)
        _register(conn, cert, signed, now_ms)
        codes = tables.enroll_codes
        conn.execute(
            update(codes)
            .where(codes.c.code_hash == code_hash)
            .values(used_at=now_ms, device=cert.device)
        )
        audit.append(
            conn,
            keys.command_sk,
            action="enroll",
            actor=f"code {code_hash[:12]}",
            subject=cert.device,
            at=now_ms,
            detail={"team": team, "role": role},
        )
    wrapped = keys.records_wrapped if role == Role.COORDINATOR.value else None
    return EnrollResponse(
        device=cert.device,
        team=team,
        role=role,
        certificate=b64e(pack_signed(signed)),
        records_key=b64e(keys.records_pub),
        command_key=b64e(keys.command_pub),
        publish_key=b64e(keys.publish_pub),
        records_key_wrapped=b64e(wrapped) if wrapped else None,
        server_time=now_ms,
    )

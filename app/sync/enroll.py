"""Enrolling this device with a hub, and unlocking the organisation records key."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlparse

from app.errors import ProtocolError, ValidationFailed
from app.store import Store
from app.sync.client import HubClient
from app.sync.identity import (
    RECORDS_KEY_META,
    RECORDS_WRAPPED_META,
    Identity,
    load_identity,
    save_identity,
)
from models.keys import (
    CryptoError,
    box_public,
    dh_proof,
    new_key,
    sign,
    signing_public,
    unwrap_secret,
)
from models.wire import (
    CERT_CONTEXT,
    Certificate,
    EnrollRequest,
    EnrollResponse,
    WireError,
    b64d,
    b64e,
    enroll_transcript,
    normalize_code,
    open_signed,
    unpack_signed,
)

__all__ = [
    "OFFSET_META",
    "enroll_device",
    "enroll_request",
    "parse_enroll_text",
    "unlock_records_key",
]

OFFSET_META = "sync.offset"


def parse_enroll_text(text: str) -> tuple[str | None, str]:
    """Split what a person typed or a QR code held into (hub address, code).

    Accepts ``parley://enroll?hub=<url>&code=<code>`` or a bare code.
    """
    text = text.strip()
    if text.startswith("parley://"):
        query = parse_qs(urlparse(text).query)
        hub = query.get("hub", [None])[0]
        return hub, normalize_code(query.get("code", [""])[0])
    return None, normalize_code(text)


def enroll_request(code: str, ed: bytes, x: bytes, hub_key: bytes) -> EnrollRequest:
    """Build the enrollment request proving possession of both private keys."""
    code = normalize_code(code)
    ed_pub, x_pub = signing_public(ed), box_public(x)
    transcript = enroll_transcript(code=code, ed=ed_pub, x=x_pub, hub_key=hub_key)
    return EnrollRequest(
        code=code,
        ed25519=b64e(ed_pub),
        x25519=b64e(x_pub),
        signature=b64e(sign(ed, transcript)),
        proof=b64e(dh_proof(x, hub_key, transcript)),
    )


def enroll_device(
    client: HubClient, store: Store, *, code: str, org_passphrase: str | None = None
) -> Identity:
    """Enroll with a single-use code; keep keys, certificate and hub pins in the vault.

    A coordinator also receives the records key wrapped by the organisation
    passphrase; with ``org_passphrase`` it is unwrapped now (see
    :func:`unlock_records_key` to do it later).

    Raises:
        ValidationFailed: ``hub: already_enrolled`` or a bad organisation passphrase.
        AuthRequired: the hub refused the code (``unknown_code``, ``code_used``...).
        HubUnreachable, ProtocolError: transport or an answer that does not verify.
    """
    if load_identity(store) is not None:
        raise ValidationFailed({"hub": "already_enrolled"})
    ed, x = new_key(), new_key()
    hello = client.hello()
    try:
        command_key = b64d(hello.command_key)
        resp = client.enroll(enroll_request(code, ed, x, b64d(hello.hub_key)))
        identity = _identity(resp, ed=ed, x=x, pinned=command_key, url=client.base_url)
    except (CryptoError, WireError):
        raise ProtocolError("certificate") from None
    save_identity(store, identity)
    offset = resp.server_time - time.time_ns() // 1_000_000
    store.clock.offset_ms = offset
    store.set_meta(OFFSET_META, offset)
    if resp.records_key_wrapped:
        store.set_meta(RECORDS_WRAPPED_META, b64d(resp.records_key_wrapped))
        if org_passphrase:
            unlock_records_key(store, org_passphrase)
    return identity


def _identity(
    resp: EnrollResponse, *, ed: bytes, x: bytes, pinned: bytes, url: str
) -> Identity:
    """Check that the certificate is the hub's and binds our keys; build the identity.

    Raises:
        CryptoError, WireError: if it does not verify.
    """
    signed = unpack_signed(b64d(resp.certificate))
    cert = open_signed(pinned, signed, Certificate, context=CERT_CONTEXT)
    ours = (resp.device, signing_public(ed), box_public(x))
    if (cert.device, cert.ed, cert.x) != ours or b64d(resp.command_key) != pinned:
        raise CryptoError("certificate")
    return Identity(
        device=resp.device,
        team=resp.team,
        role=resp.role,
        base_url=url,
        ed=ed,
        x=x,
        cert=b64d(resp.certificate),
        command_key=pinned,
        publish_key=b64d(resp.publish_key),
        records_key=b64d(resp.records_key),
    )


def unlock_records_key(store: Store, org_passphrase: str) -> None:
    """Unwrap the records key with the organisation passphrase and keep it sealed.

    Raises:
        ValidationFailed: ``org_passphrase``: ``not_coordinator`` or ``wrong``.
    """
    wrapped = store.get_meta(RECORDS_WRAPPED_META)
    identity = load_identity(store)
    if wrapped is None or identity is None:
        raise ValidationFailed({"org_passphrase": "not_coordinator"})
    try:
        private = unwrap_secret(wrapped, org_passphrase)
    except CryptoError:
        raise ValidationFailed({"org_passphrase": "wrong"}) from None
    if box_public(private) != identity.records_key:
        raise ValidationFailed({"org_passphrase": "wrong"})
    store.set_meta(RECORDS_KEY_META, private)
    store.set_meta(RECORDS_WRAPPED_META, None)

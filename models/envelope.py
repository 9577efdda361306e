"""Content sealed to a list of recipient devices, signed by its author.

An envelope is ``Signed(b=msgpack(EnvelopeBody), s)``: the author's Ed25519
signature over ``ENVELOPE_CONTEXT ‖ context ‖ "|" ‖ b``. The body carries the
author's device certificate (signed by the organisation's command key), the
content key wrapped once per recipient, and the content itself:

* content key ``K``: 32 random bytes, used once (so a zero nonce is safe);
* ``ct = ChaCha20-Poly1305(K, pad(plaintext), aad=context)``;
* per recipient ``(id, seal(x25519_pub, K, aad=context ‖ "|" ‖ id))``
  (:func:`models.keys.seal`: X25519 + HKDF-SHA256 + ChaCha20-Poly1305).

``context`` names what the envelope is for (:func:`record_context`: record kind,
record id and the field it fills), so the hub cannot move an envelope to another
record or field: it would not open, and its signature would not verify.

A recipient id is a device id, or :data:`ORG_RECIPIENT` for the organisation's
records key (which every coordinator unlocks with the organisation passphrase).
"""

from __future__ import annotations

from dataclasses import dataclass

import msgpack
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import ChaCha20Poly1305
from pydantic import Field

from models.enums import Role
from models.keys import (
    KEY_SIZE,
    CryptoError,
    new_key,
    open_sealed,
    pad,
    seal,
    sign,
    unpad,
    verify,
)
from models.wire.codec import WireError, WireModel, parse
from models.wire.signed import (
    CERT_CONTEXT,
    Certificate,
    Signed,
    open_signed,
    pack_signed,
    unpack_signed,
)

__all__ = [
    "ENVELOPE_CONTEXT",
    "MAX_RECIPIENTS",
    "ORG_RECIPIENT",
    "Author",
    "EnvelopeBody",
    "Opened",
    "Recipient",
    "envelope_author",
    "open_envelope",
    "record_context",
    "seal_envelope",
    "team_recipients",
]

ENVELOPE_CONTEXT = b"parley-envelope-v1|"
ORG_RECIPIENT = "org"
MAX_RECIPIENTS = 2000
_ZERO_NONCE = bytes(12)
_WRAPPED = KEY_SIZE + KEY_SIZE + 16  # eph_pub ‖ sealed key ‖ tag


@dataclass(frozen=True)
class Recipient:
    """Who may open an envelope: a device id (or ``org``) and its X25519 key."""

    id: str
    x: bytes


@dataclass(frozen=True)
class Author:
    """The sealing device: its id, Ed25519 private key and packed certificate."""

    device: str
    ed: bytes
    cert: bytes


@dataclass(frozen=True)
class Opened:
    """An opened envelope: its plaintext and its author's verified certificate."""

    plaintext: bytes
    author: Certificate


class EnvelopeBody(WireModel):
    """What the author signs: certificate, wrapped keys, ciphertext."""

    v: int = 1
    by: str
    cert: bytes
    to: list[tuple[str, bytes]] = Field(min_length=1, max_length=MAX_RECIPIENTS)
    ct: bytes


def record_context(kind: str, record_id: str, field: str) -> bytes:
    """The context of an envelope that fills ``field`` of one record.

    ``record_id`` is the record's UUID in hex; ``field`` the name of the value.
    """
    return f"{kind}|{record_id}|{field}".encode()


def team_recipients(
    certs: list[Certificate], *, team: str, me: Recipient, records_key: bytes
) -> list[Recipient]:
    """Who content about ``team`` is sealed to.

    The devices of ``team`` and every coordinator (from verified ``certs``), the
    sealing device itself, and the organisation records key (so a coordinator
    enrolled later, who unlocks that key, reads what was sealed before).
    """
    chosen = [me, Recipient(ORG_RECIPIENT, records_key)]
    chosen += [
        Recipient(c.device, c.x)
        for c in certs
        if c.team == team or c.role == Role.COORDINATOR.value
    ]
    return chosen


def _wrap_aad(context: bytes, rid: str) -> bytes:
    return context + b"|" + rid.encode()


def _signed_message(context: bytes, body: bytes) -> bytes:
    return ENVELOPE_CONTEXT + context + b"|" + body


def seal_envelope(
    recipients: list[Recipient], plaintext: bytes, *, context: bytes, author: Author
) -> bytes:
    """Seal ``plaintext`` so that only ``recipients`` can open it.

    Recipients are de-duplicated by id (first key kept). Returns the packed
    envelope (see the module docstring).

    Raises:
        ValueError: no recipient, too many, or a malformed key.
    """
    unique = list({r.id: r for r in reversed(recipients)}.values())[::-1]
    if not unique or len(unique) > MAX_RECIPIENTS:
        raise ValueError("recipients")
    key = new_key()
    ct = ChaCha20Poly1305(key).encrypt(_ZERO_NONCE, pad(plaintext), context)
    try:
        to = [(r.id, seal(r.x, key, aad=_wrap_aad(context, r.id))) for r in unique]
    except CryptoError:
        raise ValueError("recipient key") from None
    body = EnvelopeBody(by=author.device, cert=author.cert, to=to, ct=ct)
    packed: bytes = msgpack.packb(body.dump(), use_bin_type=True)
    signed = Signed(b=packed, s=sign(author.ed, _signed_message(context, packed)))
    return pack_signed(signed)


def _body(data: bytes) -> tuple[Signed, EnvelopeBody]:
    signed = unpack_signed(data)
    try:
        obj = msgpack.unpackb(signed.b, raw=False)
    except (ValueError, TypeError, msgpack.UnpackException):
        raise WireError("malformed") from None
    return signed, parse(EnvelopeBody, obj)


def envelope_author(data: bytes, *, context: bytes, command_key: bytes) -> Certificate:
    """Check an envelope's author certificate and signature (no key needed).

    The hub calls this to refuse an envelope signed by another device; devices
    get the same check from :func:`open_envelope`.

    Raises:
        CryptoError: the certificate or signature does not verify.
        WireError: ``malformed``.
    """
    signed, body = _body(data)
    cert = open_signed(
        command_key, unpack_signed(body.cert), Certificate, context=CERT_CONTEXT
    )
    if cert.device != body.by:
        raise CryptoError("author")
    verify(cert.ed, signed.s, _signed_message(context, signed.b))
    return cert


def _content_key(body: EnvelopeBody, context: bytes, keys: dict[str, bytes]) -> bytes:
    wrapped = dict(body.to)
    for rid, private in keys.items():
        box = wrapped.get(rid)
        if box is None or len(box) != _WRAPPED:
            continue
        try:
            return open_sealed(private, box, aad=_wrap_aad(context, rid))
        except CryptoError:
            continue
    raise CryptoError("not_a_recipient")


def open_envelope(
    data: bytes, *, keys: dict[str, bytes], context: bytes, command_key: bytes
) -> Opened:
    """Open an envelope with the first of ``keys`` (recipient id → X25519 private
    key) it was sealed to, after checking its author.

    Raises:
        CryptoError: not a recipient, a forged author, or damaged content.
        WireError: ``malformed``.
    """
    cert = envelope_author(data, context=context, command_key=command_key)
    _, body = _body(data)
    key = _content_key(body, context, keys)
    try:
        padded = ChaCha20Poly1305(key).decrypt(_ZERO_NONCE, body.ct, context)
    except (InvalidTag, ValueError):
        raise CryptoError("seal") from None
    return Opened(unpad(padded), cert)

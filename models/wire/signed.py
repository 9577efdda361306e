"""Hub-signed material (certificates, commands, pack manifests) and signed requests."""

from __future__ import annotations

import hashlib

import msgpack
from pydantic import BaseModel, Field

from models.keys import sign, verify
from models.wire.codec import M, WireError, WireModel, b64d, b64e, parse

__all__ = [
    "AUTH_SCHEME",
    "CERT_CONTEXT",
    "COMMAND_CONTEXT",
    "PACK_CONTEXT",
    "AuthFields",
    "Certificate",
    "Command",
    "PackManifest",
    "Signed",
    "auth_header",
    "open_signed",
    "pack_signed",
    "parse_auth",
    "request_message",
    "sign_model",
    "unpack_signed",
]

AUTH_SCHEME = "Parley"


class Signed(WireModel):
    """A msgpack body and an Ed25519 signature over ``context ‖ body``."""

    b: bytes
    s: bytes = Field(min_length=64, max_length=64)


def sign_model(private: bytes, model: BaseModel, *, context: bytes) -> Signed:
    """Serialise ``model`` and sign it under a purpose ``context``."""
    body: bytes = msgpack.packb(model.model_dump(), use_bin_type=True)
    return Signed(b=body, s=sign(private, context + body))


def open_signed(public: bytes, signed: Signed, model: type[M], *, context: bytes) -> M:
    """Verify a :class:`Signed` and parse its body.

    Raises:
        CryptoError: if the signature does not verify.
        WireError: if the body is not a ``model``.
    """
    verify(public, signed.s, context + signed.b)
    try:
        obj = msgpack.unpackb(signed.b, raw=False)
    except (ValueError, TypeError, msgpack.UnpackException):
        raise WireError("malformed") from None
    return parse(model, obj)


def pack_signed(signed: Signed) -> bytes:
    """Serialise a :class:`Signed` on its own (certificates at rest, enrollment)."""
    out: bytes = msgpack.packb(signed.dump(), use_bin_type=True)
    return out


def unpack_signed(data: bytes) -> Signed:
    """Undo :func:`pack_signed`.

    Raises:
        WireError: ``malformed``.
    """
    try:
        obj = msgpack.unpackb(data, raw=False)
    except (ValueError, TypeError, msgpack.UnpackException):
        raise WireError("malformed") from None
    return parse(Signed, obj)


CERT_CONTEXT = b"parley-cert-v1|"
COMMAND_CONTEXT = b"parley-command-v1|"
PACK_CONTEXT = b"parley-pack-v1|"


class Certificate(WireModel):
    """What the hub vouches for about a device (signed by the command key)."""

    device: str
    team: str
    role: str
    ed: bytes
    x: bytes
    issued: int
    not_after: int


class Command(WireModel):
    """A hub order to one device (signed by the command key). ``kind``: ``wipe``."""

    device: str
    kind: str
    n: int
    at: int


class PackManifest(WireModel):
    """A published guidance pack (signed by the publishing key); bytes are opaque."""

    version: int = Field(ge=1)
    sha256: bytes
    size: int = Field(ge=0)
    at: int


# -- request authentication -------------------------------------------------------


class AuthFields(WireModel):
    """The parts of an ``Authorization: Parley ...`` header."""

    device: str = Field(pattern=r"^[0-9a-f]{32}$")
    ts: int
    nonce: str = Field(pattern=r"^[A-Za-z0-9_-]{16,32}$")
    sig: bytes


def request_message(
    *, method: str, path: str, device: str, ts: int, nonce: str, body: bytes
) -> bytes:
    """Return the bytes a device signs for one request."""
    digest = hashlib.sha256(body).hexdigest()
    return f"parley-req-v1|{method}|{path}|{device}|{ts}|{nonce}|{digest}".encode()


def auth_header(fields: AuthFields) -> str:
    """Format the ``Authorization`` header value."""
    return (
        f"{AUTH_SCHEME} {fields.device}.{fields.ts}.{fields.nonce}.{b64e(fields.sig)}"
    )


def parse_auth(value: str | None) -> AuthFields:
    """Parse an ``Authorization`` header value.

    Raises:
        WireError: ``unsigned`` when absent or not ours, ``malformed`` when broken.
    """
    if not value or not value.startswith(AUTH_SCHEME + " "):
        raise WireError("unsigned")
    parts = value[len(AUTH_SCHEME) + 1 :].split(".")
    if len(parts) != 4 or not parts[1].isdigit():
        raise WireError("malformed")
    return parse(
        AuthFields,
        {
            "device": parts[0],
            "ts": int(parts[1]),
            "nonce": parts[2],
            "sig": b64d(parts[3]),
        },
    )

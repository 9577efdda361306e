"""The sync wire format shared by the field app and the hub.

``POST /v1/sync`` bodies are ``zstd(msgpack(obj))`` with media type
:data:`MEDIA_TYPE`. Requests are signed with the device's Ed25519 key (see
:func:`request_message`); certificates, commands and pack manifests are
:class:`Signed` by a hub key. Enrollment and the hub card are JSON (OpenAPI).
"""

from __future__ import annotations

import base64
import functools
import hashlib
import io
from enum import StrEnum
from typing import Any, TypeVar

import msgpack
import zstandard
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from models.base import RecordKind
from models.keys import sign, verify
from models.records import RECORD_TYPES

__all__ = [
    "Ack",
    "AuthFields",
    "Batch",
    "Certificate",
    "Command",
    "EnrollRequest",
    "EnrollResponse",
    "HubHello",
    "MEDIA_TYPE",
    "PackManifest",
    "PackOffer",
    "Push",
    "REGISTRY_KINDS",
    "RegistryPage",
    "RegistrySnapshot",
    "SealedItem",
    "SealedPage",
    "SealedPart",
    "Signed",
    "Stream",
    "SyncRequest",
    "SyncResponse",
    "WireError",
    "auth_header",
    "b64d",
    "b64e",
    "decode",
    "encode",
    "enroll_transcript",
    "normalize_code",
    "op_fields",
    "open_signed",
    "pack_signed",
    "parse",
    "parse_auth",
    "request_message",
    "seal_aad",
    "seal_message",
    "sign_model",
    "unpack_signed",
]

WIRE_VERSION = 1
MEDIA_TYPE = "application/vnd.parley+zstd"
AUTH_SCHEME = "Parley"
DEFAULT_BATCH_BYTES = 32 * 1024
DEFAULT_PAGE_BYTES = 64 * 1024
MAX_BODY_BYTES = 1024 * 1024
MAX_PLAIN_BYTES = 4 * 1024 * 1024
ALIAS_ADD = "+alias"
ALIAS_DEL = "-alias"
ID_BYTES = 16


class WireError(ValueError):
    """A body that is not valid wire format. ``code`` says why (no content)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class Stream(StrEnum):
    """Pull streams: the unit of authorisation and of cursors."""

    REGISTRY = "registry"  # actors, places, follow-ups; every device
    SEALED = "sealed"  # contact and checkpoint batches; coordinators only
    PACKS = "packs"  # signed guidance packs; every device


# -- body codec --------------------------------------------------------------------


def encode(obj: Any, *, level: int = 3) -> bytes:
    """Serialise with msgpack and compress with zstd."""
    packed = msgpack.packb(obj, use_bin_type=True)
    return zstandard.ZstdCompressor(level=level).compress(packed)


def decode(data: bytes, *, limit: int = MAX_PLAIN_BYTES) -> Any:
    """Undo :func:`encode`, refusing to inflate past ``limit`` bytes (zstd bombs).

    Raises:
        WireError: ``too_large`` or ``malformed``.
    """
    try:
        reader = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(data))
        plain = reader.read(limit + 1)
    except zstandard.ZstdError:
        raise WireError("malformed") from None
    if len(plain) > limit:
        raise WireError("too_large")
    try:
        return msgpack.unpackb(plain, raw=False, strict_map_key=True)
    except (ValueError, TypeError, msgpack.UnpackException):
        raise WireError("malformed") from None


M = TypeVar("M", bound=BaseModel)


def parse(model: type[M], obj: Any) -> M:
    """Validate a decoded body into ``model``.

    Raises:
        WireError: ``malformed`` when the shape is wrong.
    """
    try:
        return model.model_validate(obj)
    except ValidationError:
        raise WireError("malformed") from None


def b64e(data: bytes) -> str:
    """URL-safe base64 without padding."""
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64d(text: str) -> bytes:
    """Decode :func:`b64e` output.

    Raises:
        WireError: ``malformed`` if the text is not base64.
    """
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError):
        raise WireError("malformed") from None


class _Wire(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)

    def dump(self) -> dict[str, Any]:
        """Return the msgpack-ready dict (``None`` fields left out)."""
        return self.model_dump(exclude_none=True)


# -- signatures --------------------------------------------------------------------


class Signed(_Wire):
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


class Certificate(_Wire):
    """What the hub vouches for about a device (signed by the command key)."""

    device: str
    team: str
    role: str
    ed: bytes
    x: bytes
    issued: int
    not_after: int


class Command(_Wire):
    """A hub order to one device (signed by the command key). ``kind``: ``wipe``."""

    device: str
    kind: str
    n: int
    at: int


class PackManifest(_Wire):
    """A published guidance pack (signed by the publishing key); bytes are opaque."""

    version: int = Field(ge=1)
    sha256: bytes
    size: int = Field(ge=0)
    at: int


# -- request authentication -------------------------------------------------------


class AuthFields(_Wire):
    """The parts of an ``Authorization: Parley ...`` header."""

    device: str = Field(min_length=1, max_length=64)
    ts: int
    nonce: str = Field(min_length=16, max_length=32)
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


# -- push ----------------------------------------------------------------------------

# Kinds the hub can read and merge per field; the other kinds travel sealed.
REGISTRY_KINDS = frozenset({RecordKind.ACTOR, RecordKind.PLACE, RecordKind.FOLLOW_UP})
_NOT_OPS = frozenset({"id", "rev", "parents", "hlc", "device", "aliases"})


@functools.cache
def op_fields(kind: RecordKind) -> frozenset[str]:
    """Fields of a registry kind that a registry op may set (aliases have own ops)."""
    return frozenset(RECORD_TYPES[kind].model_fields) - _NOT_OPS


# A registry op on the wire: (index, kind, record id (16 bytes), field, value, hlc).
RegistryOpWire = tuple[int, str, bytes, str, Any, str]


class SealedPart(_Wire):
    """Contacts and checkpoint logs: ``seal(records_key, pad(zstd(msgpack(revs))))``."""

    ct: bytes
    sig: bytes = Field(min_length=64, max_length=64)


def seal_aad(device: str, seq: int) -> bytes:
    """Bind a sealed batch to its author and number."""
    return f"parley-batch-v1|{device}|{seq}".encode()


def seal_message(device: str, seq: int, ct: bytes) -> bytes:
    """Return what a device signs for a sealed batch (hub and coordinators verify)."""
    return seal_aad(device, seq) + b"|" + hashlib.sha256(ct).digest()


class Batch(_Wire):
    """One frozen push: resent byte-identical until acknowledged.

    ``ctx`` is the device's registry cursor when the batch was built: an alias
    removal only removes additions the device had seen (add-wins).
    """

    device: str
    seq: int = Field(ge=1)
    ctx: int = Field(default=0, ge=0)
    ops: list[RegistryOpWire] = Field(default_factory=list, max_length=20_000)
    sealed: SealedPart | None = None


class Push(_Wire):
    """A batch number and the frozen batch bytes (msgpack of :class:`Batch`)."""

    seq: int = Field(ge=1)
    batch: bytes


class SyncRequest(_Wire):
    """``POST /v1/sync``: optional push, then pulls by per-stream cursor."""

    v: int = WIRE_VERSION
    push: Push | None = None
    pull: dict[str, int] = Field(default_factory=dict, max_length=8)
    max: int = Field(default=DEFAULT_PAGE_BYTES, ge=1024, le=4 * 1024 * 1024)


# -- response -------------------------------------------------------------------------


class Ack(_Wire):
    """The hub's stored answer to one batch. ``rejects``: (op index, code)."""

    seq: int
    status: str  # applied | duplicate
    rejects: list[tuple[int, str]] = Field(default_factory=list)
    ops: int = 0
    sealed: bool = False


class RegistrySnapshot(_Wire):
    """The hub's merged state of one registry record.

    ``losers`` maps a field to values that lost the last-writer-wins race:
    (value, hlc, device), newest first.
    """

    id: bytes
    kind: str
    fields: dict[str, Any]
    clocks: dict[str, str]
    aliases: list[str] = Field(default_factory=list)
    losers: dict[str, list[tuple[Any, str, str]]] = Field(default_factory=dict)


class RegistryPage(_Wire):
    """A page of the registry stream."""

    items: list[RegistrySnapshot]
    cursor: int
    more: bool = False


class SealedItem(_Wire):
    """One sealed batch as a coordinator pulls it, with its author's certificate."""

    seq: int
    device: str
    batch: int
    ct: bytes
    sig: bytes
    cert: Signed


class SealedPage(_Wire):
    """A page of the sealed stream."""

    items: list[SealedItem]
    cursor: int
    more: bool = False


class PackOffer(_Wire):
    """The newest guidance pack, when newer than the device's cursor."""

    manifest: Signed
    version: int


class SyncResponse(_Wire):
    """Answer to :class:`SyncRequest`. ``st`` is the hub's clock (ms)."""

    v: int = WIRE_VERSION
    st: int
    ack: Ack | None = None
    registry: RegistryPage | None = None
    sealed: SealedPage | None = None
    packs: PackOffer | None = None
    cmds: list[Signed] = Field(default_factory=list)
    hint: int = 0


# -- enrollment (JSON) ----------------------------------------------------------------


class HubHello(BaseModel):
    """``GET /v1/hello``: who the hub is and the keys a new device pins."""

    org: str
    server_time: int
    hub_key: str
    command_key: str
    publish_key: str
    records_key: str


class EnrollRequest(BaseModel):
    """``POST /v1/enroll``: a single-use code and proof of both device keys."""

    code: str = Field(min_length=8, max_length=64)
    ed25519: str = Field(max_length=64)
    x25519: str = Field(max_length=64)
    signature: str = Field(max_length=128)
    proof: str = Field(max_length=64)


class EnrollResponse(BaseModel):
    """The device's identity, its certificate, and the keys it pins."""

    device: str
    team: str
    role: str
    certificate: str
    records_key: str
    command_key: str
    publish_key: str
    records_key_wrapped: str | None = None
    server_time: int


def normalize_code(code: str) -> str:
    """Upper-case an enrollment code and drop the dashes and spaces people type."""
    return "".join(ch for ch in code.upper() if ch.isalnum())


def enroll_transcript(*, code: str, ed: bytes, x: bytes, hub_key: bytes) -> bytes:
    """Return the bytes both device keys prove possession over."""
    return b"parley-enroll-v1|" + code.encode() + b"|" + ed + x + hub_key

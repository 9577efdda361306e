"""The body codec: msgpack + zstd with a ceiling on inflation, base64 helpers."""

from __future__ import annotations

import base64
import io
from typing import Any, TypeVar

import msgpack
import zstandard
from pydantic import BaseModel, ConfigDict, ValidationError

__all__ = [
    "DEFAULT_BATCH_BYTES",
    "DEFAULT_PAGE_BYTES",
    "MAX_BATCH_OPS",
    "MAX_BODY_BYTES",
    "MAX_PLAIN_BYTES",
    "MEDIA_TYPE",
    "WIRE_VERSION",
    "WireError",
    "WireModel",
    "b64d",
    "b64e",
    "decode",
    "encode",
    "parse",
]

WIRE_VERSION = 1
MEDIA_TYPE = "application/vnd.parley+zstd"
DEFAULT_BATCH_BYTES = 32 * 1024
DEFAULT_PAGE_BYTES = 64 * 1024
MAX_BODY_BYTES = 1024 * 1024
MAX_PLAIN_BYTES = 4 * 1024 * 1024
# Registry ops in one batch: devices never build more, the hub refuses more
# (413 ``too_many_ops``) before it takes any lock. Merging a new entry costs the
# hub 1-7 ms inside its write transaction on a 2-core machine (quiet to heavily
# loaded), so a full batch holds other devices up for well under a second.
MAX_BATCH_OPS = 100
ALIAS_ADD = "+alias"
ALIAS_DEL = "-alias"
ID_BYTES = 16


class WireError(ValueError):
    """A body that is not valid wire format. ``code`` says why (no content)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


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


class WireModel(BaseModel):
    """Base of the msgpack wire models: unknown keys ignored, frozen."""

    model_config = ConfigDict(extra="ignore", frozen=True)

    def dump(self) -> dict[str, Any]:
        """Return the msgpack-ready dict (``None`` fields left out)."""
        return self.model_dump(exclude_none=True)

"""``POST /v1/upload``: one frozen batch streamed from the last byte the hub holds.

The body is the raw batch from offset ``off``; the header :data:`UPLOAD_HEADER`
names it (:class:`UploadRef`), and the request signature covers that header
instead of the body, so a body cut short is still known to come from the
device. The hub answers at once with a stream of :class:`UploadFrame`, each
telling how many bytes of the batch it has stored so far, and ends with the
batch's acknowledgement once every byte is there and matches ``digest``.
Each frame on the wire is a 4-byte big-endian length and a msgpack map.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator

import msgpack
from pydantic import Field

from models.wire.codec import (
    DEFAULT_PAGE_BYTES,
    WireError,
    WireModel,
    b64d,
    b64e,
    parse,
)
from models.wire.signed import Signed
from models.wire.sync import Ack

__all__ = [
    "UPLOAD_HEADER",
    "UPLOAD_MEDIA_TYPE",
    "UPLOAD_PATH",
    "FrameReader",
    "UploadFrame",
    "UploadRef",
    "frame_bytes",
]

UPLOAD_PATH = "/v1/upload"
UPLOAD_HEADER = "parley-upload"
UPLOAD_MEDIA_TYPE = "application/vnd.parley.frames"
_LEN = struct.Struct(">I")
MAX_FRAME = 1024 * 1024


class UploadRef(WireModel):
    """Which batch a body belongs to, where in it the body starts, and what to pull
    once the batch is whole (as in :class:`~models.wire.sync.SyncRequest`), so
    the last upload of a sync is also its pull: one round trip."""

    seq: int = Field(ge=1)
    off: int = Field(ge=0)
    total: int = Field(ge=1)
    digest: bytes = Field(min_length=32, max_length=32)
    pull: dict[str, int] = Field(default_factory=dict, max_length=8)
    max: int = Field(default=DEFAULT_PAGE_BYTES, ge=1024, le=4 * 1024 * 1024)

    def header(self) -> str:
        """The header value: ``seq.off.total.digest.pull`` (base64url)."""
        pull = msgpack.packb({"pull": self.pull, "max": self.max})
        return f"{self.seq}.{self.off}.{self.total}.{b64e(self.digest)}.{b64e(pull)}"

    @classmethod
    def from_header(cls, value: str | None) -> UploadRef:
        """Parse :meth:`header` output.

        Raises:
            WireError: ``malformed`` when absent or broken.
        """
        parts = (value or "").split(".")
        if len(parts) != 5 or not all(p.isdigit() for p in parts[:3]):
            raise WireError("malformed")
        raw = b64d(parts[4])
        if len(raw) > 1024:
            raise WireError("too_large")
        try:
            extra = msgpack.unpackb(raw, raw=False, strict_map_key=True)
        except (ValueError, TypeError, msgpack.UnpackException):
            raise WireError("malformed") from None
        if not isinstance(extra, dict):
            raise WireError("malformed")
        ref = parse(
            cls,
            {
                "seq": int(parts[0]),
                "off": int(parts[1]),
                "total": int(parts[2]),
                "digest": b64d(parts[3]),
                "pull": extra.get("pull", {}),
                "max": extra.get("max", DEFAULT_PAGE_BYTES),
            },
        )
        if ref.off > ref.total:
            raise WireError("malformed")
        return ref


class UploadFrame(WireModel):
    """One message of the hub's answer: bytes held, or the final acknowledgement
    with the pulled pages (``sync``: an encoded ``SyncResponse``).

    A batch the hub refuses once it is whole (too many ops, malformed) ends the
    stream with ``error`` (the code), ``status`` (its 4xx) and, for a 429,
    ``retry_after`` seconds, as a plain request's error answer would say."""

    st: int
    held: int = 0
    ack: Ack | None = None
    cmds: list[Signed] = Field(default_factory=list)
    done: bool = False
    sync: bytes | None = None
    error: str | None = None
    status: int = 0
    retry_after: int = 0


def frame_bytes(frame: UploadFrame) -> bytes:
    """Encode one frame for the wire."""
    body: bytes = msgpack.packb(frame.dump(), use_bin_type=True)
    return _LEN.pack(len(body)) + body


class FrameReader:
    """Splits a byte stream into frames as the bytes arrive."""

    def __init__(self) -> None:
        self._buf = b""

    def feed(self, data: bytes) -> Iterator[UploadFrame]:
        """Add bytes; yield every frame now complete.

        Raises:
            WireError: ``malformed`` or ``too_large``.
        """
        self._buf += data
        while len(self._buf) >= _LEN.size:
            (size,) = _LEN.unpack_from(self._buf)
            if size > MAX_FRAME:
                raise WireError("too_large")
            if len(self._buf) < _LEN.size + size:
                return
            raw = self._buf[_LEN.size : _LEN.size + size]
            self._buf = self._buf[_LEN.size + size :]
            try:
                obj = msgpack.unpackb(raw, raw=False, strict_map_key=True)
            except (ValueError, TypeError, msgpack.UnpackException):
                raise WireError("malformed") from None
            yield parse(UploadFrame, obj)

"""Enrollment messages (JSON, in the OpenAPI schema)."""

from __future__ import annotations

from pydantic import BaseModel, Field

__all__ = [
    "EnrollRequest",
    "EnrollResponse",
    "HubHello",
    "enroll_transcript",
    "normalize_code",
]


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

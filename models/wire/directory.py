"""The device directory: the certificates of the devices a device may seal to.

The hub serves, in the ``directory`` pull stream, the certificates of the
active devices of the caller's team and of every coordinator (a coordinator
gets every team's). Each is the certificate the device received at enrollment,
signed by the organisation's command key; a device keeps only those that verify
against the command key it pinned at enrollment and have not expired. A revoked
device is no longer served, so nothing sealed after the next sync reaches it.
"""

from __future__ import annotations

from pydantic import Field

from models.keys import CryptoError
from models.wire.codec import WireError, WireModel
from models.wire.signed import CERT_CONTEXT, Certificate, Signed, open_signed

__all__ = ["MAX_DIRECTORY", "Directory", "verified_certificates"]

MAX_DIRECTORY = 5000


class Directory(WireModel):
    """One version of the directory as the hub serves it to one device."""

    version: int = Field(ge=0)
    certs: list[Signed] = Field(default_factory=list, max_length=MAX_DIRECTORY)


def verified_certificates(
    certs: list[Signed], *, command_key: bytes, now_ms: int
) -> list[Certificate]:
    """The certificates that verify against ``command_key`` and are still valid.

    One bad or expired entry is dropped, never the whole directory.
    """
    good: dict[str, Certificate] = {}
    for signed in certs:
        try:
            cert = open_signed(command_key, signed, Certificate, context=CERT_CONTEXT)
        except (CryptoError, WireError):
            continue
        if now_ms < cert.not_after:
            good.setdefault(cert.device, cert)
    return list(good.values())

"""The courier: a push-only key a locked phone signs its requests with.

An enrolled device makes a second Ed25519 key, the courier key, and signs its
public half with its own device key: that signature is the courier certificate.
A request signed by the courier key carries the certificate in
:data:`COURIER_HEADER`; the hub then accepts it only to push a batch that holds
a sealed part (whose own signature, made by the device key at save time, the hub
checks as always) and no registry op, with nothing pulled. So the courier key
can deliver what the device already sealed and hear the acknowledgements, and
nothing else: it reads nothing and writes nothing new.
"""

from __future__ import annotations

from models.wire.codec import WireError, b64d, b64e

__all__ = [
    "COURIER_HEADER",
    "courier_header",
    "courier_message",
    "parse_courier",
]

COURIER_HEADER = "x-parley-courier"
_KEY = 32
_SIG = 64


def courier_message(device: str, courier_pub: bytes) -> bytes:
    """The bytes the device key signs to certify ``courier_pub``."""
    return b"parley-courier-v1|" + device.encode() + b"|" + courier_pub


def courier_header(courier_pub: bytes, cert: bytes) -> str:
    """The :data:`COURIER_HEADER` value: the courier public key and its certificate."""
    return f"{b64e(courier_pub)}.{b64e(cert)}"


def parse_courier(value: str) -> tuple[bytes, bytes]:
    """Undo :func:`courier_header`.

    Raises:
        WireError: ``malformed`` when the value is not a key and a signature.
    """
    parts = value.split(".")
    if len(parts) != 2:
        raise WireError("malformed")
    pub, cert = b64d(parts[0]), b64d(parts[1])
    if len(pub) != _KEY or len(cert) != _SIG:
        raise WireError("malformed")
    return pub, cert

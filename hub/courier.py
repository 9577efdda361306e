"""Requests signed by a device's courier key (:mod:`models.wire.courier`).

A courier request is checked twice: its certificate must verify under the
device's own key, and the request must be a push of an already sealed batch
(a sealed part, no registry op) with nothing pulled. The sealed part's own
signature is the device key's (checked by :func:`hub.push.check_push`), so a
courier key can only hand over what the device sealed while it was unlocked.
"""

from __future__ import annotations

from hub.errors import HubError
from models.keys import CryptoError, verify
from models.wire import Batch, SyncRequest, WireError
from models.wire.courier import courier_message, parse_courier

__all__ = ["check_courier_push", "courier_public"]


def courier_public(device: str, ed_pub: bytes, header: str) -> bytes:
    """The courier public key ``header`` certifies for ``device``.

    Raises:
        HubError: 401 ``bad_courier`` when the header is malformed or its
            certificate is not the device key's signature.
    """
    try:
        pub, cert = parse_courier(header)
        verify(ed_pub, cert, courier_message(device, pub))
    except (WireError, CryptoError):
        raise HubError(401, "bad_courier") from None
    return pub


def check_courier_push(req: SyncRequest, batch: Batch | None) -> None:
    """Refuse anything but a whole sealed ``batch`` with no registry op or pull.

    Raises:
        HubError: 403 ``courier_forbidden``.
    """
    if req.pull or batch is None:
        raise HubError(403, "courier_forbidden")
    if batch.ops or batch.sealed is None:
        raise HubError(403, "courier_forbidden")

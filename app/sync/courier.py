"""The courier's requests: push one queued batch signed by the courier key.

Used while the vault is locked (:mod:`app.services.courier`): nothing here reads
the vault. A request carries the batch as frozen at save time and no pull; the
answer is the hub's acknowledgement and any command for this device.
"""

from __future__ import annotations

import secrets

from app.errors import ProtocolError
from app.sync.client import HubClient
from app.sync.queue import Card
from models.keys import CryptoError, sign
from models.wire import (
    COMMAND_CONTEXT,
    Ack,
    AuthFields,
    Command,
    Push,
    Signed,
    SyncRequest,
    SyncResponse,
    WireError,
    auth_header,
    decode,
    encode,
    open_signed,
    parse,
    request_message,
    unpack_signed,
)
from models.wire.courier import courier_header

__all__ = ["Delivered", "courier_authorization", "courier_push", "is_wipe_for"]

_PATH = "/v1/sync"


class Delivered:
    """The hub's answer to one courier push."""

    __slots__ = ("ack", "cmds", "server_ms")

    def __init__(self, ack: Ack, cmds: list[Signed], server_ms: int) -> None:
        self.ack, self.cmds, self.server_ms = ack, cmds, server_ms


def courier_authorization(card: Card, key: bytes, body: bytes, now_ms: int) -> str:
    nonce = secrets.token_urlsafe(12)
    message = request_message(
        method="POST",
        path=_PATH,
        device=card.device,
        ts=now_ms,
        nonce=nonce,
        body=body,
    )
    fields = AuthFields(
        device=card.device, ts=now_ms, nonce=nonce, sig=sign(key, message)
    )
    return auth_header(fields)


def courier_push(
    client: HubClient, card: Card, key: bytes, *, seq: int, batch: bytes, now_ms: int
) -> Delivered:
    """Push queued batch ``seq`` signed by the courier ``key``.

    Raises:
        HubUnreachable, HubBusy, StaleClock, Revoked, BatchConflict,
        AuthRequired, Rejected: as :meth:`HubClient.sync`.
        ProtocolError: the answer is not an acknowledgement of ``seq``.
    """
    body = encode(SyncRequest(push=Push(seq=seq, batch=batch)).dump())
    raw = client.sync(
        body,
        authorization=courier_authorization(card, key, body, now_ms),
        courier=courier_header(card.pub, card.cert),
    )
    try:
        resp = parse(SyncResponse, decode(raw))
    except WireError:
        raise ProtocolError("body") from None
    if resp.ack is None or resp.ack.seq != seq:
        raise ProtocolError("ack")
    return Delivered(resp.ack, list(resp.cmds), resp.st)


def is_wipe_for(card: Card, command: Signed | bytes) -> bool:
    """True only for a wipe of this device signed by the hub's command key."""
    try:
        signed = unpack_signed(command) if isinstance(command, bytes) else command
        cmd = open_signed(card.command_key, signed, Command, context=COMMAND_CONTEXT)
    except (CryptoError, WireError):
        return False
    return cmd.kind == "wipe" and cmd.device == card.device

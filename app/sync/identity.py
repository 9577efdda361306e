"""The enrolled device's identity and keys, kept sealed in the vault's meta table."""

from __future__ import annotations

import secrets
from dataclasses import asdict, dataclass
from typing import Any

from app.store import Store
from models.keys import sign
from models.wire import AuthFields, auth_header, request_message

__all__ = [
    "IDENTITY_META",
    "Identity",
    "load_identity",
    "save_identity",
    "sign_request",
]

IDENTITY_META = "sync.identity"
RECORDS_KEY_META = "sync.records_key"
RECORDS_WRAPPED_META = "sync.records_wrapped"


@dataclass(frozen=True)
class Identity:
    """Who this device is to the hub, its private keys, and the hub keys it pins."""

    device: str
    team: str
    role: str
    base_url: str
    ed: bytes
    x: bytes
    cert: bytes
    command_key: bytes
    publish_key: bytes
    records_key: bytes

    @property
    def coordinator(self) -> bool:
        """Coordinators pull and read every team's sealed batches."""
        return self.role == "coordinator"


def load_identity(store: Store) -> Identity | None:
    """Return the device's identity, or ``None`` before enrollment."""
    data: dict[str, Any] | None = store.get_meta(IDENTITY_META)
    if not data:
        return None
    return Identity(**{k: data[k] for k in Identity.__dataclass_fields__})


def save_identity(store: Store, identity: Identity) -> None:
    """Store the identity sealed in the vault and make it the store's identity."""
    store.set_meta(IDENTITY_META, asdict(identity))
    store.set_identity(device=identity.device, team=identity.team)


def sign_request(
    identity: Identity, *, method: str, path: str, body: bytes, now_ms: int
) -> str:
    """Return the ``Authorization`` header for one request."""
    nonce = secrets.token_urlsafe(12)
    message = request_message(
        method=method,
        path=path,
        device=identity.device,
        ts=now_ms,
        nonce=nonce,
        body=body,
    )
    fields = AuthFields(
        device=identity.device, ts=now_ms, nonce=nonce, sig=sign(identity.ed, message)
    )
    return auth_header(fields)

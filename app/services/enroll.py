"""Use case "Connect to hub": enroll this device with an address and a code."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlparse

from app.errors import ValidationFailed
from app.store import Store
from app.sync import HubClient, connect, enroll_device, load_identity, parse_enroll_text
from app.sync import unlock_records_key as _unlock
from app.sync.identity import RECORDS_KEY_META

__all__ = ["EnrollService", "Enrollment"]


@dataclass(frozen=True)
class Enrollment:
    """This device as the hub knows it.

    ``records_key_ready`` is true for a coordinator whose records key is unlocked
    (it can read every team's contacts); always false for a field device.
    """

    device: str
    team: str
    role: str
    hub: str
    records_key_ready: bool


def _address(text: str) -> str:
    url = text.strip().rstrip("/")
    parsed = urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ValidationFailed({"address": "invalid"})
    return url


class EnrollService:
    """Enrollment and the coordinator's records key, for the Settings screen."""

    def __init__(
        self, store: Store, *, connect: Callable[[str], HubClient] = connect
    ) -> None:
        self._store = store
        self._connect = connect

    def enrollment(self) -> Enrollment | None:
        """Return this device's enrollment, or ``None`` when not connected yet."""
        identity = load_identity(self._store)
        if identity is None:
            return None
        ready = self._store.get_meta(RECORDS_KEY_META) is not None
        return Enrollment(
            identity.device, identity.team, identity.role, identity.base_url, ready
        )

    def connect(
        self, *, address: str, code: str, org_passphrase: str | None = None
    ) -> Enrollment:
        """Enroll with the hub at ``address`` using a single-use ``code``.

        ``code`` may also be the text of the hub's QR code, which carries the
        address; then ``address`` may be empty. A coordinator passes the
        organisation passphrase to unlock the records key now.

        Raises:
            ValidationFailed: ``address: invalid``, ``code: required``,
                ``hub: already_enrolled``, or ``org_passphrase: wrong`` (the device
                is then enrolled; call :meth:`unlock_records_key` again).
            AuthRequired: the hub refused the code (``detail`` says why).
            HubUnreachable, ProtocolError: the hub could not be reached or trusted.
        """
        hub, parsed = parse_enroll_text(code)
        if not parsed:
            raise ValidationFailed({"code": "required"})
        base = _address(address or hub or "")
        client = self._connect(base)
        try:
            enroll_device(
                client, self._store, code=parsed, org_passphrase=org_passphrase
            )
        finally:
            client.close()
        found = self.enrollment()
        assert found is not None
        return found

    def unlock_records_key(self, org_passphrase: str) -> None:
        """Unwrap the organisation records key (coordinators only).

        Raises:
            ValidationFailed: ``org_passphrase``: ``not_coordinator`` or ``wrong``.
        """
        _unlock(self._store, org_passphrase)

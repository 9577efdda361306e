"""Sync errors that carry what the hub said, as subclasses of the app's error tree."""

from __future__ import annotations

from app.errors import AuthRequired, DeviceRevoked, Rejected

__all__ = ["BatchConflict", "HubBusy", "Revoked", "StaleClock"]


class StaleClock(AuthRequired):
    """The hub refused the request time; ``server_time`` lets us correct the offset."""

    def __init__(self, server_time: int) -> None:
        super().__init__("stale_request")
        self.server_time = server_time


class Revoked(DeviceRevoked):
    """The hub revoked this device; ``command`` is the hub-signed wipe, if sent."""

    def __init__(self, command: bytes | None) -> None:
        super().__init__("device_revoked")
        self.command = command


class BatchConflict(Rejected):
    """409: the batch number has a gap or its content differs from what was acked."""

    def __init__(self, reason: str, last_batch_seq: int) -> None:
        super().__init__(409, reason)
        self.last_batch_seq = last_batch_seq


class HubBusy(Rejected):
    """503 or 429: the hub (or its database) is away for now; ``retry_after`` s."""

    code = "hub_busy"

    def __init__(self, status: int, reason: str, retry_after: float) -> None:
        super().__init__(status, reason)
        self.retry_after = retry_after

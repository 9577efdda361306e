"""The hub's one error: an HTTP status, a stable code, and optional extra fields."""

from __future__ import annotations

from typing import Any

__all__ = ["RETRY_AFTER_S", "HubError", "unavailable"]

# How long a device should wait before trying again while the database is away.
RETRY_AFTER_S = 5

_MESSAGES = {
    400: "The request is malformed.",
    401: "The request is not properly signed.",
    403: "The request is not allowed.",
    404: "Not found.",
    405: "This method is not allowed here.",
    408: "The request arrived too slowly.",
    409: "The request conflicts with what the hub already has.",
    411: "The request needs a Content-Length.",
    413: "The request is too large.",
    429: "Too many requests; try again later.",
    500: "The hub failed to process the request.",
    503: "The hub cannot reach its database right now; try again shortly.",
}


class HubError(Exception):
    """Raised anywhere in the hub; the API turns it into the JSON error body.

    ``extra`` holds machine-readable context (``server_time``, ``last_batch_seq``,
    ``command``); never a request body or a field value.
    """

    def __init__(self, status: int, code: str, **extra: Any) -> None:
        super().__init__(f"{status}:{code}")
        self.status = status
        self.code = code
        # Headers, not body fields: ``retry_after`` (seconds) and ``allow``.
        self.retry_after: int | None = extra.pop("retry_after", None)
        self.allow: str | None = extra.pop("allow", None)
        self.extra = extra

    def headers(self) -> dict[str, str]:
        """Extra response headers: ``Retry-After`` on 429 and 503, ``Allow``."""
        out: dict[str, str] = {}
        if self.retry_after is not None:
            out["retry-after"] = str(max(1, self.retry_after))
        elif self.status == 503:
            out["retry-after"] = str(RETRY_AFTER_S)
        if self.allow is not None:
            out["allow"] = self.allow
        return out

    def body(self) -> dict[str, Any]:
        """Return the JSON error body."""
        message = _MESSAGES.get(self.status, "The request failed.")
        return {
            "status": self.status,
            "code": self.code,
            "message": message,
            **self.extra,
        }


def unavailable() -> HubError:
    """The 503 for a database that is away (restarting, failed over, unreachable)."""
    return HubError(503, "database_unavailable")

"""``POST /v1/exports``: a device tells the hub's audit log what it exported.

Only the fact of an export travels: its number, time, format, profile and how
many records it held. Never a field of a record, never a file name.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from models.wire.codec import WireModel

__all__ = [
    "EXPORTS_PATH",
    "MAX_REPORTS",
    "ExportAck",
    "ExportFormat",
    "ExportReport",
    "ExportReports",
]

EXPORTS_PATH = "/v1/exports"
MAX_REPORTS = 100


class ExportFormat(StrEnum):
    """What an export was written as."""

    CSV = "csv"
    JSON = "json"
    HTML = "html"


class ExportReport(WireModel):
    """One export made on the device (``at``: the device's clock, ms)."""

    id: str = Field(pattern=r"^[0-9a-f]{32}$")
    at: int = Field(ge=0)
    format: ExportFormat
    profile: str = Field(pattern=r"^[a-z_]{1,32}$")
    redacted: bool
    records: int = Field(ge=0, le=10_000_000)
    contacts: int = Field(ge=0, le=10_000_000)
    checkpoints: int = Field(ge=0, le=10_000_000)


class ExportReports(WireModel):
    """The exports not yet reported, oldest first."""

    items: list[ExportReport] = Field(min_length=1, max_length=MAX_REPORTS)


class ExportAck(WireModel):
    """The ids the hub holds now (recorded by this request or an earlier one)."""

    ids: list[str]

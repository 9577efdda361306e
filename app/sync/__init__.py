"""Sync with the hub: the only app package that speaks HTTP (httpx)."""

from app.sync.client import HubClient, connect
from app.sync.engine import SyncEngine, SyncReport
from app.sync.enroll import enroll_device, parse_enroll_text, unlock_records_key
from app.sync.identity import Identity, load_identity
from app.sync.packs import PackInstaller
from app.sync.retention import (
    DEFAULT_RETENTION_DAYS,
    purge_due,
    retention_days,
    set_retention_days,
)

__all__ = [
    "DEFAULT_RETENTION_DAYS",
    "HubClient",
    "Identity",
    "PackInstaller",
    "SyncEngine",
    "SyncReport",
    "connect",
    "enroll_device",
    "load_identity",
    "parse_enroll_text",
    "purge_due",
    "retention_days",
    "set_retention_days",
    "unlock_records_key",
]

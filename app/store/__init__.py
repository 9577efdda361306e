"""The encrypted local vault: the only package that opens the database or holds keys."""

from app.store.kdf import KdfParams, calibrate
from app.store.pepper import FilePepper, MemoryPepper, PepperStore
from app.store.records import Entry
from app.store.store import Store
from app.store.vault import Vault

__all__ = [
    "Entry",
    "FilePepper",
    "KdfParams",
    "MemoryPepper",
    "PepperStore",
    "Store",
    "Vault",
    "calibrate",
]

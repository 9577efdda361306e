"""The encrypted local vault: the only package that opens the database or holds keys."""

from app.store.kdf import KdfParams, calibrate
from app.store.records import Entry
from app.store.secrets import (
    FileSecrets,
    MemorySecrets,
    Protection,
    SecretStore,
    secret_id,
)
from app.store.store import Store
from app.store.vault import Vault

# The names the device-pepper stores had before they held any named secret; kept
# while branches written against them land.
FilePepper = FileSecrets
MemoryPepper = MemorySecrets
PepperStore = SecretStore

__all__ = [
    "Entry",
    "FilePepper",
    "FileSecrets",
    "KdfParams",
    "MemoryPepper",
    "MemorySecrets",
    "PepperStore",
    "Protection",
    "SecretStore",
    "Store",
    "Vault",
    "calibrate",
    "secret_id",
]

"""The one error tree of the field app.

Every error a user can meet is an :class:`AppError`. Messages carry codes and
counts, never field values: exceptions end up in logs. ``app.ui.messages`` is the
only place that turns them into words.

AppError
├── StoreError
│   ├── NoVault            no vault on this device yet
│   ├── VaultExists        refusing to create over an existing vault
│   ├── WrongPassphrase    passphrase (or device key) does not open the vault
│   ├── StoreLocked        the vault is locked; unlock first
│   ├── KeyMaterialLost    the device key in secure storage is gone
│   ├── VaultCorrupt       key file or database damaged (left untouched)
│   ├── RecordUnreadable   one stored value fails authentication
│   ├── DiskFull           the device has no room to save
│   ├── SecureStorageError the device's secret storage cannot be used now
│   ├── MigrationFailed    a schema upgrade failed and was rolled back
│   └── RecordNotFound     no record with that id
├── ValidationFailed       user input breaks a rule; ``fields`` maps field -> code
├── NotAllowed             this device's certificate does not allow the change
├── ContentError           a guidance pack is broken and was refused
└── SyncError
    ├── HubUnreachable     no connection, timeout, or dropped link
    ├── AuthRequired       the device is not enrolled or its enrollment was refused
    ├── DeviceRevoked      the hub revoked this device
    ├── Rejected           the hub refused the request (``status``)
    └── ProtocolError      the hub answered with something we cannot read
"""

from __future__ import annotations

__all__ = [
    "AppError",
    "AuthRequired",
    "ContentError",
    "DeviceRevoked",
    "DiskFull",
    "HubUnreachable",
    "KeyMaterialLost",
    "MigrationFailed",
    "NoVault",
    "NotAllowed",
    "ProtocolError",
    "RecordNotFound",
    "RecordUnreadable",
    "Rejected",
    "SecureStorageError",
    "StoreError",
    "StoreLocked",
    "SyncError",
    "ValidationFailed",
    "VaultCorrupt",
    "VaultExists",
    "WrongPassphrase",
]


class AppError(Exception):
    """Base of every error the app reports to its user."""

    code = "app_error"

    def __init__(self, detail: str = "") -> None:
        super().__init__(detail or self.code)
        self.detail = detail


class StoreError(AppError):
    """Something about the local vault."""

    code = "store_error"


class NoVault(StoreError):
    """No vault exists on this device yet."""

    code = "no_vault"


class VaultExists(StoreError):
    """A vault already exists; creating another would destroy it."""

    code = "vault_exists"


class WrongPassphrase(StoreError):
    """The passphrase does not open the vault.

    ``remaining`` is the number of attempts left before the wipe, or ``None`` when
    no wipe limit is set.
    """

    code = "wrong_passphrase"

    def __init__(self, remaining: int | None = None) -> None:
        super().__init__()
        self.remaining = remaining


class StoreLocked(StoreError):
    """The vault is locked; its keys are gone from memory."""

    code = "store_locked"


class KeyMaterialLost(StoreError):
    """The device key held in secure storage is missing."""

    code = "key_material_lost"


class VaultCorrupt(StoreError):
    """The key file or database is damaged (``part`` says which); it is left as is."""

    code = "vault_corrupt"

    def __init__(self, part: str) -> None:
        super().__init__(part)
        self.part = part


class RecordUnreadable(StoreError):
    """A stored value failed authentication: damaged, or moved from another row."""

    code = "record_unreadable"


class DiskFull(StoreError):
    """The device has no room left; nothing was half-written.

    ``part`` names what could not be written (``database``, ``keyfile``, ``guard``,
    ``secrets``...); the user is told the same thing whatever it was.
    """

    code = "disk_full"


class SecureStorageError(StoreError):
    """The device's secret storage cannot be used right now (nothing was changed).

    ``reason`` is ``unavailable`` (the Keystore/Keychain bridge or the secrets file
    cannot be reached), ``full`` (no room for another named secret) or ``damaged``
    (the secrets file has the wrong size).
    """

    code = "secure_storage"

    def __init__(self, reason: str = "unavailable") -> None:
        super().__init__(reason)
        self.reason = reason


class MigrationFailed(StoreError):
    """A schema upgrade failed; the database was left as it was."""

    code = "migration_failed"


class RecordNotFound(StoreError):
    """No record has that id."""

    code = "record_not_found"


class ValidationFailed(AppError):
    """User input breaks a rule. ``fields`` maps a field name to a message code."""

    code = "validation_failed"

    def __init__(self, fields: dict[str, str]) -> None:
        super().__init__(",".join(sorted(fields)))
        self.fields = fields


class NotAllowed(AppError):
    """This device may not make the change (``models.authority``): another team's
    record, or renaming, deleting or merging another team's entry.

    ``reason`` is a refusal code of ``models.refusals`` (``not_owner``...).
    """

    code = "not_allowed"

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ContentError(AppError):
    """A guidance content pack is broken; the installed one stays in use.

    ``reason`` is a stable code (``missing_section``, ``broken_link``, ``not_newer``...)
    and ``where`` names the pack file or card id at fault. Pack content is public
    reference text, never user data, so naming it is safe.
    """

    code = "content_error"

    def __init__(self, reason: str = "content_error", where: str = "") -> None:
        super().__init__(f"{reason}:{where}" if where else reason)
        self.reason = reason
        self.where = where


class SyncError(AppError):
    """Something about talking to the hub."""

    code = "sync_error"


class HubUnreachable(SyncError):
    """The hub could not be reached, or the link dropped mid-way."""

    code = "hub_unreachable"


class AuthRequired(SyncError):
    """This device is not enrolled, or the hub refused its credentials."""

    code = "auth_required"


class DeviceRevoked(SyncError):
    """The hub revoked this device."""

    code = "device_revoked"


class Rejected(SyncError):
    """The hub refused the request with an HTTP status and an error code."""

    code = "rejected"

    def __init__(self, status: int, reason: str = "") -> None:
        super().__init__(f"{status}:{reason}")
        self.status = status
        self.reason = reason


class ProtocolError(SyncError):
    """The hub's answer could not be read."""

    code = "protocol_error"

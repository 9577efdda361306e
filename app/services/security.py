"""Passphrases, the duress passphrase and the failed-unlock wipe limit."""

from __future__ import annotations

from app.errors import ValidationFailed
from app.services.passphrase import MIN_LENGTH
from app.store import Protection, Vault

__all__ = ["WIPE_CHOICES", "Protection", "SecurityService", "check_new_passphrase"]

WIPE_CHOICES = (5, 10, 20)


def check_new_passphrase(
    new: str, confirm: str, *, field: str = "passphrase", confirm_field: str = "confirm"
) -> None:
    """Refuse a new passphrase that is short or typed differently twice.

    Raises:
        ValidationFailed: ``too_short`` or ``mismatch``.
    """
    errors: dict[str, str] = {}
    if len(new) < MIN_LENGTH:
        errors[field] = "too_short"
    elif new != confirm:
        errors[confirm_field] = "mismatch"
    if errors:
        raise ValidationFailed(errors)


class SecurityService:
    """Settings that live in the key file or the guard file, not in the database.

    Each call that takes a passphrase runs the KDF (about a quarter of a second):
    views call these off the event loop.
    """

    def __init__(self, vault: Vault) -> None:
        self._vault = vault

    def change_passphrase(self, *, old: str, new: str, confirm: str) -> None:
        """Re-wrap the vault key under a new passphrase.

        Raises:
            WrongPassphrase: if ``old`` is not the current passphrase.
            ValidationFailed: if ``new`` is short, mistyped, or the duress one.
        """
        check_new_passphrase(new, confirm, field="new", confirm_field="confirm")
        self._vault.change_passphrase(old=old, new=new)

    def set_duress(self, *, passphrase: str, duress: str, confirm: str) -> None:
        """Add or replace the duress passphrase.

        Raises:
            WrongPassphrase: if ``passphrase`` is not the vault's passphrase.
            ValidationFailed: if ``duress`` is short, mistyped, or the real one.
        """
        check_new_passphrase(
            duress, confirm, field="duress", confirm_field="duress_confirm"
        )
        self._vault.set_duress(passphrase=passphrase, duress=duress)

    def clear_duress(self, *, passphrase: str) -> None:
        """Remove the duress passphrase."""
        self._vault.clear_duress(passphrase=passphrase)

    def has_duress(self, *, passphrase: str) -> bool:
        """Whether a duress passphrase is set (needs the real passphrase)."""
        return self._vault.has_duress(passphrase=passphrase)

    def wipe_limit(self) -> int | None:
        """Failed unlocks in a row that wipe the vault, or ``None`` when off.

        Raises:
            SecureStorageError: if the device's secret storage does not answer.
        """
        return self._vault.wipe_limit()

    def protection(self) -> Protection:
        """How well this device can destroy the vault's keys (for Settings).

        ``hardware``: the phone's Keystore/Keychain; ``file_in_place``: a file
        Parley overwrites in place; ``file``: a file the storage may keep old copies
        of; ``memory``: tests only.
        """
        return self._vault.protection()

    def set_wipe_limit(self, limit: int | None, *, passphrase: str) -> None:
        """Turn the wipe limit off (``None``) or set it to one of :data:`WIPE_CHOICES`.

        The limit lives in the key file, so the passphrase confirms the change.

        Raises:
            ValidationFailed: for any other value.
            WrongPassphrase: if ``passphrase`` is not the vault's (a counted attempt).
        """
        if limit is not None and limit not in WIPE_CHOICES:
            raise ValidationFailed({"wipe_limit": "bad_choice"})
        self._vault.set_wipe_limit(limit, passphrase=passphrase)

"""The way into the vault: shared by every session, holding no keys itself."""

from __future__ import annotations

from app.services.security import check_new_passphrase
from app.services.unlocked import Services, ServicesFactory
from app.store import Store, Vault

__all__ = ["VaultGate"]


class VaultGate:
    """Create or unlock the vault; each success returns a fresh :class:`Services`.

    Creating and unlocking run the KDF (a few hundred milliseconds by design): call
    them off the UI event loop.
    """

    def __init__(self, vault: Vault, factory: ServicesFactory) -> None:
        self._vault = vault
        self._factory = factory

    def exists(self) -> bool:
        """True when this device already has a vault."""
        return self._vault.exists()

    def wipe_limit(self) -> int | None:
        """Failed unlocks that wipe the vault, or ``None``."""
        return self._vault.wipe_limit()

    def recover(self) -> None:
        """Finish what a killed process left half done; call at start, off the loop.

        Raises:
            DiskFull, SecureStorageError: if a step cannot be written now (the
                next unlock tries again).
        """
        self._vault.recover()

    def create(self, passphrase: str, confirm: str) -> Services:
        """Create the vault and return it unlocked.

        Raises:
            ValidationFailed: if the passphrase is short or the two entries differ.
            VaultExists: if another session created one first.
        """
        check_new_passphrase(passphrase, confirm)
        return self._wrap(self._vault.create(passphrase))

    def unlock(self, passphrase: str) -> Services:
        """Unlock the vault for one session.

        Raises:
            WrongPassphrase: with ``remaining`` attempts when a wipe limit is set.
            NoVault, KeyMaterialLost, VaultCorrupt: see :meth:`Vault.unlock`.
        """
        return self._wrap(self._vault.unlock(passphrase))

    def _wrap(self, store: Store) -> Services:
        try:
            return self._factory(store, self._vault)
        except BaseException:
            store.close()
            raise

"""Fixtures shared by every suite: a fast vault in a temporary directory."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.store import FileSecrets, Store, Vault
from bench._appserve import FAST_KDF

# FAST_KDF: cheap Argon2id for tests only; the app calibrates real costs at vault
# creation and reads no switch to weaken them.
__all__ = ["FAST_KDF", "PASSPHRASE"]
PASSPHRASE = "correct horse battery"


@pytest.fixture
def vault(tmp_path: Path) -> Vault:
    return Vault(
        tmp_path / "vault",
        secrets=FileSecrets(tmp_path / "secure" / "p.bin"),
        kdf=FAST_KDF,
    )


@pytest.fixture
def store(vault: Vault) -> Iterator[Store]:
    opened = vault.create(PASSPHRASE)
    yield opened
    opened.close()

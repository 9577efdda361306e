"""Fixtures for service tests: a fast vault and the services of one unlocked session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from app.services import Services, VaultGate, open_services
from app.store import FileSecrets, Vault
from tests.conftest import FAST_KDF, PASSPHRASE


@pytest.fixture
def svc_vault(tmp_path: Path) -> Vault:
    return Vault(
        tmp_path / "vault",
        secrets=FileSecrets(tmp_path / "dev" / "p.bin"),
        kdf=FAST_KDF,
    )


@pytest.fixture
def gate(svc_vault: Vault) -> VaultGate:
    return VaultGate(svc_vault, open_services)


@pytest.fixture
def services(gate: VaultGate) -> Iterator[Services]:
    opened = gate.create(PASSPHRASE, PASSPHRASE)
    yield opened
    opened.close()

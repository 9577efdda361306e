"""Put records in a test vault before the browser opens it (what earlier days left)."""

from __future__ import annotations

from pathlib import Path

from app.main import build_gate
from app.services import ActorForm
from app.settings import Settings
from tests.conftest import FAST_KDF


def seed_vault(data_dir: Path, passphrase: str) -> None:
    """Create the vault with one recent place and one actor (with an alias)."""
    gate = build_gate(Settings(data_dir=data_dir), kdf=FAST_KDF)
    services = gate.create(passphrase, passphrase)
    try:
        services.places.find_or_create("North gate")
        services.actors.save(ActorForm(name="Northern Brigade", aliases="The Hawks"))
    finally:
        services.close()

"""Field-app settings: one frozen dataclass, read from the environment once in main."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

__all__ = ["DEFAULT_IDLE_TIMEOUT_S", "DEFAULT_PORT", "Settings"]

DEFAULT_PORT = 8550
DEFAULT_IDLE_TIMEOUT_S = 5 * 60
PROJECT_ROOT = Path(__file__).resolve().parents[1]
# The local web build only ever listens on the loopback interface.
LOOPBACK = "127.0.0.1"


def _int(value: str | None, default: int) -> int:
    try:
        return int(value) if value not in (None, "") else default
    except ValueError:
        return default


@dataclass(frozen=True, slots=True)
class Settings:
    """What the field app needs to start. Secrets never live here.

    Attributes:
        data_dir: Where the vault directory and the device secrets live.
        port: Loopback port of the local web build.
        idle_timeout_s: Default auto-lock delay; the user may change it per vault.
        assets_dir: Static files served with the web build (index.html, fonts).
    """

    data_dir: Path
    port: int = DEFAULT_PORT
    idle_timeout_s: int = DEFAULT_IDLE_TIMEOUT_S
    assets_dir: Path = PROJECT_ROOT / "assets"
    host: str = LOOPBACK

    @property
    def vault_dir(self) -> Path:
        """Directory holding the key file and the sealed database."""
        return self.data_dir / "vault"

    @property
    def packs_dir(self) -> Path:
        """Guidance content packs installed after the app was built."""
        return self.data_dir / "packs"

    @property
    def secrets_path(self) -> Path:
        """The device's secrets file (no hardware store), apart from the vault."""
        return self.data_dir / "device" / "s.bin"

    @classmethod
    def from_env(
        cls, env: Mapping[str, str] | None = None, **overrides: Any
    ) -> Settings:
        """Build settings from environment variables, then apply ``overrides``.

        Reads ``PARLEY_DATA_DIR`` (else ``FLET_APP_STORAGE_DATA`` on a phone, else
        ``var/app`` under the project), ``PARLEY_PORT`` and ``PARLEY_IDLE_TIMEOUT_S``.
        Nothing here weakens the vault: Argon2id costs are always calibrated on the
        device (tests pass their own costs to :func:`app.main.build_gate`).
        """
        env = os.environ if env is None else env
        data = env.get("PARLEY_DATA_DIR") or env.get("FLET_APP_STORAGE_DATA")
        settings = cls(
            data_dir=Path(data) if data else PROJECT_ROOT / "var" / "app",
            port=_int(env.get("PARLEY_PORT"), DEFAULT_PORT),
            idle_timeout_s=max(
                5, _int(env.get("PARLEY_IDLE_TIMEOUT_S"), DEFAULT_IDLE_TIMEOUT_S)
            ),
        )
        return replace(settings, **overrides) if overrides else settings

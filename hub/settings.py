"""Hub settings, read from the environment (``PARLEY_HUB_*``) with safe defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from models.wire import MAX_BODY_BYTES, MAX_PLAIN_BYTES

__all__ = ["HubSettings", "default_database_url"]

_PREFIX = "PARLEY_HUB_"


def default_database_url(var: Path | None = None) -> str:
    """The SQLite file under ``var/`` that the hub uses when nothing else is set."""
    folder = var or Path("var")
    return f"sqlite:///{folder / 'hub.db'}"


@dataclass(frozen=True)
class HubSettings:
    """Everything the hub can be told. Times are milliseconds unless named ``_s``."""

    database_url: str = field(default_factory=default_database_url)
    # The hub key file; empty: next to a SQLite database, else var/hub.key.
    key_file: str = ""
    host: str = "127.0.0.1"
    port: int = 8660
    max_body: int = MAX_BODY_BYTES
    max_plain: int = MAX_PLAIN_BYTES
    # A signed request older or newer than this (by the hub's clock) is refused.
    request_window_ms: int = 5 * 60 * 1000
    # Registry clocks further ahead of the hub than this are clamped.
    max_future_ms: int = 10 * 60 * 1000
    sync_hint_s: int = 900
    # Worker threads per process for blocking database work.
    threads: int = 8
    # Test hook: hold every push transaction open this long before commit.
    test_commit_delay_ms: int = 0

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> HubSettings:
        """Build settings from ``PARLEY_HUB_*`` variables."""
        env = os.environ if environ is None else environ
        base = cls()
        ints = ("port", "max_body", "max_plain", "request_window_ms", "max_future_ms")
        changes: dict[str, object] = {}
        for name in (*ints, "sync_hint_s", "threads", "test_commit_delay_ms"):
            value = env.get(_PREFIX + name.upper())
            if value:
                changes[name] = int(value)
        for name in ("database_url", "host", "key_file"):
            value = env.get(_PREFIX + name.upper())
            if value:
                changes[name] = value
        return replace(base, **changes)  # type: ignore[arg-type]

    @property
    def key_path(self) -> Path:
        """Where the hub key file lives."""
        if self.key_file:
            return Path(self.key_file)
        if self.database_url.startswith("sqlite:///"):
            return Path(self.database_url.removeprefix("sqlite:///")).parent / "hub.key"
        return Path("var") / "hub.key"

    @property
    def is_postgres(self) -> bool:
        """True when the database is PostgreSQL."""
        return self.database_url.startswith(("postgresql", "postgres"))

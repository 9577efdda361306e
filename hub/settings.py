"""Hub settings, read from the environment (``PARLEY_HUB_*``) with safe defaults."""

from __future__ import annotations

import os
from dataclasses import dataclass, field, replace
from pathlib import Path

from models.wire import MAX_BATCH_OPS, MAX_BODY_BYTES, MAX_PLAIN_BYTES

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
    # The address devices are given when it is not the one served (a proxy, a
    # name): enroll prints it, else what `serve` recorded.
    public_url: str = ""
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
    # Slow senders: headers must arrive within this; a body may take
    # body_grace_ms whatever its pace, then must average body_min_rate bytes/s,
    # and never pause longer than body_idle_ms. With the 2 s linger after a
    # refusal (hub.serving), a slow sender is gone within 25 s.
    header_timeout_ms: int = 20_000
    max_header_bytes: int = 16 * 1024
    body_grace_ms: int = 20_000
    body_idle_ms: int = 20_000
    body_min_rate: int = 1024
    # Caps: registry ops in one batch, per device per hour, registry entries
    # one device may create; failed enrollments per client address per minute.
    max_batch_ops: int = MAX_BATCH_OPS
    ops_per_hour: int = 20_000
    entries_per_device: int = 5_000
    enroll_failures_per_min: int = 10

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> HubSettings:
        """Build settings from ``PARLEY_HUB_*`` variables."""
        env = os.environ if environ is None else environ
        base = cls()
        ints = ("port", "max_body", "max_plain", "request_window_ms", "max_future_ms")
        changes: dict[str, object] = {}
        more = (
            "sync_hint_s",
            "threads",
            "test_commit_delay_ms",
            "header_timeout_ms",
            "max_header_bytes",
            "body_grace_ms",
            "body_idle_ms",
            "body_min_rate",
            "max_batch_ops",
            "ops_per_hour",
            "entries_per_device",
            "enroll_failures_per_min",
        )
        for name in (*ints, *more):
            value = env.get(_PREFIX + name.upper())
            if value:
                changes[name] = int(value)
        for name in ("database_url", "host", "key_file", "public_url"):
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

"""Hub fixtures: every hub test runs on SQLite and on the real PostgreSQL."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from hub.service import Hub
from tests.hub.fixtures import DeviceFactory as DeviceFactory
from tests.hub.fixtures import devices as devices
from tests.hub.fixtures import live as live
from tests.hub.support import (
    LiveHub,
    make_hub,
    postgres_database,
    postgres_schema,
)


@pytest.fixture(scope="session")
def pg_database() -> Iterator[str]:
    """One fresh PostgreSQL database per test run, dropped afterwards.

    The run fails (never skips) when PostgreSQL cannot be reached.
    """
    try:
        with postgres_database() as url:
            yield url
    except RuntimeError as exc:
        pytest.fail(str(exc))


@contextlib.contextmanager
def _database(request: pytest.FixtureRequest, folder: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{folder / 'hub.db'}"
        return
    with postgres_schema(request.getfixturevalue("pg_database")) as url:
        yield url


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty hub database: a SQLite file, or a new PostgreSQL schema."""
    with _database(request, tmp_path) as url:
        yield url


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def shared_hub(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Hub, LiveHub]]:
    """One live hub per module and backend, for tests that tolerate each other."""
    folder = tmp_path_factory.mktemp("hub")
    with _database(request, folder) as url:
        made = make_hub(url)
        server = LiveHub(made)
        yield made, server
        server.stop()
        made.close()


@pytest.fixture
def hub(database_url: str) -> Iterator[Hub]:
    """A migrated hub with an organisation."""
    made = make_hub(database_url)
    yield made
    made.close()


@pytest.fixture
def http(live: LiveHub) -> Iterator[httpx.Client]:
    """A plain HTTP client for the live hub."""
    with httpx.Client(base_url=live.url, timeout=10) as client:
        yield client

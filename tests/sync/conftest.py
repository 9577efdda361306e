"""Sync fixtures: a SQLite hub served over real HTTP, and enrolled devices."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from hub.service import Hub
from tests.hub.fixtures import DeviceFactory as DeviceFactory
from tests.hub.fixtures import devices as devices
from tests.hub.fixtures import live as live
from tests.hub.support import make_hub


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[Hub]:
    """A hub on a SQLite file with an organisation."""
    made = make_hub(f"sqlite:///{tmp_path / 'hub.db'}")
    yield made
    made.close()

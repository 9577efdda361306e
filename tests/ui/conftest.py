"""In-process UI fixtures: a fast vault on disk and a factory of fake browser tabs."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest
from harness import Tab

from app.main import build_gate
from app.services import VaultGate
from app.settings import Settings
from app.ui import make_main
from tests.conftest import FAST_KDF

PASSPHRASE = "correct horse battery"


@pytest.fixture
def ui_settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", idle_timeout_s=300)


@pytest.fixture
def ui_gate(ui_settings: Settings) -> VaultGate:
    return build_gate(ui_settings, kdf=FAST_KDF)


@pytest.fixture
def open_tab(ui_gate: VaultGate, ui_settings: Settings) -> Callable[..., Tab]:
    main = make_main(ui_gate, ui_settings, tick_s=None)

    def make(route: str = "/") -> Tab:
        return Tab(main, route)

    return make


@pytest.fixture
def unlocked(open_tab: Callable[..., Tab]) -> Callable[[], Awaitable[Tab]]:
    """A tab with a freshly created vault, on the home screen."""

    async def make() -> Tab:
        tab = open_tab()
        await tab.type("New passphrase", PASSPHRASE)
        await tab.type("Type it again", PASSPHRASE)
        await tab.press("Create vault")
        return tab

    return make

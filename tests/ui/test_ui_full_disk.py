"""Full storage, seen by the user: a clear message, the form kept, then a save."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import flet as ft
import pytest
from harness import Tab

from app.main import build_gate
from app.settings import Settings
from app.ui import make_main
from tests.conftest import FAST_KDF
from tests.fullfs import Filler, small_fs

PASSPHRASE = "correct horse battery"


@pytest.fixture
def tiny_settings(tmp_path: Path) -> Iterator[Settings]:
    with small_fs(tmp_path / "fs") as mount:
        yield Settings(data_dir=mount / "data", idle_timeout_s=300)


def snack_texts(tab: Tab) -> list[str]:
    return [
        c.content.value
        for c in tab.page._dialogs.controls
        if isinstance(c, ft.SnackBar) and isinstance(c.content, ft.Text)
    ]


async def test_saving_on_full_storage_says_so_keeps_the_form_and_saves_later(
    tiny_settings: Settings,
) -> None:
    gate = build_gate(tiny_settings, kdf=FAST_KDF)
    tab = Tab(make_main(gate, tiny_settings, tick_s=None))
    await tab.type("New passphrase", PASSPHRASE)
    await tab.type("Type it again", PASSPHRASE)
    await tab.press("Create vault")
    await tab.press("New contact")
    await tab.type("Date (YYYY-MM-DD)", dt.date.today().isoformat())
    await tab.type("What we asked for", "Let the water trucks pass " + "w" * 1500)
    await tab.pick("Direct dialogue")
    filler = Filler(tiny_settings.data_dir)
    filler.fill()

    await tab.press("Save")

    assert any(text.startswith("Storage full") for text in snack_texts(tab))
    assert not tab.route.startswith("/record")
    assert tab.field("What we asked for").value.startswith("Let the water trucks")

    filler.free()
    await tab.press("Save")
    assert tab.route.startswith("/record")
    assert tab.has_text("Direct dialogue")

"""Connect to a real hub from Settings, log a checkpoint, Sync now, see it synced.

The hub runs as production does (``python -m hub serve`` in a subprocess, SQLite);
its enrollment code comes from ``parley-hub enroll``, as a coordinator would get it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from conftest import PASSPHRASE, Tabs
from helpers import button, chip, create_vault, fill, shot, tap, toast
from playwright.sync_api import expect

from bench._hubproc import HubProcess

ORG_PASSPHRASE = "organisation passphrase for browser tests"


@pytest.fixture
def hub_proc(tmp_path: Path) -> Iterator[HubProcess]:
    proc = HubProcess(
        f"sqlite:///{tmp_path / 'hub.db'}", PARLEY_ORG_PASSPHRASE=ORG_PASSPHRASE
    )
    proc.cli("init", "--org", "Browser test", "--kdf-memory-kib", "8192")
    proc.start()
    yield proc
    proc.stop()


def _code(hub: HubProcess) -> str:
    out = hub.cli("enroll", "--team", "north", "--role", "field", "--url", hub.url)
    found = re.search(r"^enrollment code\s+(\S+)$", out, re.MULTILINE)
    assert found, out
    return found.group(1)


def test_connect_log_and_sync_now_shows_the_synced_state(
    tabs: Tabs, hub_proc: HubProcess
) -> None:
    page = tabs.open()
    create_vault(page, PASSPHRASE)
    page.get_by_role("tab", name="Settings").click()
    expect(page.get_by_text("Not connected to a hub", exact=False)).to_be_visible()
    tap(button(page, "Connect to hub"))
    fill(page, "Hub address", hub_proc.url)
    fill(page, "Enrollment code", "AAAA-BBBB-CCCC-DDDD")
    tap(button(page, "Connect"))
    expect(
        page.get_by_text("The hub does not know this code.", exact=False)
    ).to_be_visible()
    shot(page, "hub_code_refused")
    fill(page, "Enrollment code", _code(hub_proc))
    tap(button(page, "Connect"))
    expect(page.get_by_text("Team: north")).to_be_visible(timeout=15_000)
    expect(toast(page, "Connected to the hub. Syncing now.")).to_be_visible()
    shot(page, "hub_connected")
    tap(button(page, "Back"))
    page.get_by_role("tab", name="Home").click()
    tap(button(page, "Log checkpoint"))
    tap(chip(page, "Passed"))
    tap(button(page, "Save log"))
    expect(toast(page, "Saved as draft. Complete it later.")).to_be_visible()
    badge = page.get_by_role("button", name=re.compile("1 waiting"))
    expect(badge).to_be_visible(timeout=10_000)
    tap(badge)
    expect(page.get_by_role("heading", name="Sync")).to_be_visible()
    expect(page.get_by_text("1 change waiting to be sent.")).to_be_visible()
    tap(button(page, "Sync now"))
    expect(page.get_by_text("Nothing waiting to be sent.")).to_be_visible(
        timeout=15_000
    )
    expect(page.get_by_text("Up to date")).to_be_visible()
    expect(page.get_by_text("Last sync just now")).to_be_visible()
    expect(page.get_by_text("1 of 1 change sent")).to_be_visible()
    expect(toast(page, "Saved as draft. Complete it later.")).to_be_hidden(
        timeout=10_000
    )
    shot(page, "sync_done")
    tap(button(page, "Back"))
    expect(
        page.get_by_role("button", name=re.compile("Synced just now"))
    ).to_be_visible()
    shot(page, "home_synced")
    hub_proc.stop()  # the link drops: the failure is said in plain words
    tap(page.get_by_role("button", name=re.compile("Synced just now")))
    tap(button(page, "Sync now"))
    expect(page.get_by_text("Last sync failed")).to_be_visible(timeout=15_000)
    expect(page.get_by_text("No connection to the hub.", exact=False)).to_be_visible()
    expect(button(page, "Retry")).to_be_visible()
    shot(page, "sync_failed")
    devices = hub_proc.cli("devices")
    assert re.search(r"north\s+field\s+active\s+\S+ \S+\s+[1-9]", devices), devices

"""The vault issue's plaintext-marker test, with every value typed through the UI."""

from __future__ import annotations

from pathlib import Path

from conftest import PASSPHRASE, Tabs
from helpers import button, chip, create_vault, fill, shot, tap, toast
from playwright.sync_api import Page, expect

from app.main import build_gate
from app.services import RecordFilter
from app.settings import Settings
from tests.conftest import FAST_KDF

MARKER = "Qzx7Marker"


def _files(data_dir: Path) -> list[Path]:
    return [p for p in data_dir.rglob("*") if p.is_file()]


def _leaks(tabs: Tabs) -> list[str]:
    found = [
        str(p)
        for p in _files(tabs.server.data_dir)
        if MARKER.encode() in p.read_bytes()
    ]
    if MARKER in tabs.server.output():
        found.append("server output")
    return found


def _enter_records(page: Page) -> None:
    page.get_by_role("tab", name="Actors").click()
    tap(button(page, "Add actor"))
    fill(page, "Name", f"{MARKER} brigade")
    fill(page, "Aliases (one per line)", f"{MARKER} alias")
    fill(page, "Area", f"{MARKER} area")
    tap(button(page, "Save"))
    expect(toast(page, "Actor saved.")).to_be_visible()
    tap(button(page, "Back"))
    page.get_by_role("tab", name="Home").click()
    expect(button(page, "Log checkpoint")).to_be_visible()
    tap(button(page, "Log checkpoint"))
    fill(page, "Type a new place name", f"{MARKER} gate")
    tap(button(page, f"Add place “{MARKER} gate”"))
    tap(chip(page, "Incident"))
    tap(button(page, "Save log"))
    expect(toast(page, "Saved as draft. Complete it later.")).to_be_visible()
    tap(button(page, "New contact"))
    fill(page, "Interlocutor's role", f"{MARKER} commander")
    tap(button(page, "Issues raised and asks"))
    fill(page, "What we asked for", f"{MARKER} asks")
    tap(button(page, "Commitments"))
    tap(button(page, "Add commitment"))
    fill(page, "Commitment 1", f"{MARKER} promise")
    tap(button(page, "Follow-ups"))
    tap(button(page, "Add follow-up"))
    fill(page, "Follow-up 1", f"{MARKER} follow up")
    tap(button(page, "Save"))
    expect(toast(page, "Contact saved.")).to_be_visible()


def test_marker_typed_in_the_ui_never_reaches_disk_or_logs_in_plaintext(
    tabs: Tabs,
) -> None:
    page = tabs.open()
    create_vault(page, PASSPHRASE)
    _enter_records(page)
    # Something half-typed when the app locks becomes an encrypted draft.
    tap(button(page, "Edit"))
    fill(page, "Interlocutor's role", f"{MARKER} draft")
    tap(button(page, "Lock now"))
    expect(page.get_by_role("heading", name="Unlock Parley")).to_be_visible()
    assert _leaks(tabs) == []
    storage = page.evaluate("() => JSON.stringify(Object.entries(localStorage))")
    assert MARKER not in storage
    names = sorted(p.name for p in _files(tabs.server.data_dir))
    assert "d.db" in names and "k.bin" in names
    shot(page, "locked_after_marker_entry")
    tabs.server.proc.terminate()
    tabs.server.proc.wait(timeout=10)
    assert _leaks(tabs) == []
    _assert_marker_was_stored(tabs.server.data_dir)


def _assert_marker_was_stored(data_dir: Path) -> None:
    """The positive control: decrypted, the vault does hold every marked value."""
    services = build_gate(Settings(data_dir=data_dir), kdf=FAST_KDF).unlock(PASSPHRASE)
    try:
        actor = services.actors.search(MARKER)[0]
        assert (actor.area, actor.aliases) == (f"{MARKER} area", (f"{MARKER} alias",))
        assert [o.name for o in services.places.search(MARKER)] == [f"{MARKER} gate"]
        kinds = sorted(
            r.kind for r in services.records.query(RecordFilter(text=MARKER))
        )
        assert kinds == ["checkpoint", "contact", "follow_up"]
        drafts = [d.values.get("interlocutor_role") for d in services.drafts.all()]
        assert f"{MARKER} draft" in drafts
    finally:
        services.close()

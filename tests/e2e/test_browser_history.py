"""The web build's URLs and browser history never name a record (issue 11).

Routes are plain paths; what a screen shows stays in the session. After opening
records, their forms and an actor, and going back with the browser's own Back,
neither the address bar, nor any URL the page went through, nor the history's
state objects hold a record id (or any UUID at all).
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from pathlib import Path

from conftest import PASSPHRASE, Tabs
from helpers import button, settle, shot, tap, unlock
from playwright.sync_api import Page, expect

from app.main import build_gate
from app.services import ActorForm, ContactForm
from app.settings import Settings
from tests.conftest import FAST_KDF

UUID = re.compile(r"[0-9a-f]{8}(-?[0-9a-f]{4}){3}-?[0-9a-f]{12}", re.I)


def seed(data_dir: Path) -> dict[str, str]:
    """A vault with an actor, a place, a contact with both, and a checkpoint log."""
    services = build_gate(Settings(data_dir=data_dir), kdf=FAST_KDF).create(
        PASSPHRASE, PASSPHRASE
    )
    try:
        place = services.places.find_or_create("North gate")
        actor = services.actors.save(ActorForm(name="Northern Brigade"))
        form = services.contacts.new_form()
        contact = services.contacts.save(
            ContactForm(
                on=form.on,
                actor_id=actor,
                place_id=place,
                interlocutor_role="Checkpoint commander",
            )
        )
        log = services.checkpoints.quick_save(
            outcome="delayed",
            observed_at=dt.datetime.now().astimezone(),
            place_id=place,
            actor_id=actor,
        )
    finally:
        services.close()
    return {"place": place, "actor": actor, "contact": contact, "log": log}


def where(page: Page, seen: list[str]) -> None:
    """Note the address bar and the history's state object now."""
    seen.append(page.evaluate("() => location.href"))
    seen.append(page.evaluate("() => JSON.stringify(history.state)") or "")


def test_opening_records_leaves_no_record_id_in_urls_or_history(tabs: Tabs) -> None:
    ids = seed(tabs.server.data_dir)
    page = tabs.open()
    seen: list[str] = []
    page.on("framenavigated", lambda frame: seen.append(frame.url))
    unlock(page, PASSPHRASE)
    expect(button(page, "Log checkpoint")).to_be_visible(timeout=15_000)

    page.get_by_role("tab", name="Records").click()
    expect(page.get_by_role("heading", name="Records")).to_be_visible()
    tap(page.get_by_role("button", name="Contact: Bilateral", exact=False).first)
    expect(page.get_by_text("Checkpoint commander")).to_be_visible()
    where(page, seen)
    tap(button(page, "Edit"))
    expect(button(page, "Save")).to_be_visible()
    where(page, seen)
    tap(button(page, "Back"))
    expect(page.get_by_role("heading", name="Records")).to_be_visible()
    tap(page.get_by_role("button", name="Checkpoint: Delayed", exact=False).first)
    expect(button(page, "Show history")).to_be_visible()
    where(page, seen)
    tap(button(page, "Back"))
    expect(page.get_by_role("heading", name="Records")).to_be_visible()
    page.get_by_role("tab", name="Actors").click()
    tap(page.get_by_role("button", name="Northern Brigade", exact=False).first)
    expect(page.get_by_role("heading", name="Northern Brigade")).to_be_visible()
    where(page, seen)
    tap(button(page, "Edit"))
    expect(page.get_by_role("heading", name="Edit actor")).to_be_visible()
    where(page, seen)

    # The browser's own Back still finds the actor, then the log, though the
    # URL never said which.
    page.go_back()
    expect(page.get_by_role("heading", name="Northern Brigade")).to_be_visible()
    where(page, seen)
    page.go_back()
    expect(page.get_by_role("heading", name="Actors")).to_be_visible()
    page.go_back()
    expect(page.get_by_role("heading", name="Records")).to_be_visible()
    page.go_back()
    expect(page.get_by_text("Checkpoint: Delayed").first).to_be_visible()
    expect(button(page, "Show history")).to_be_visible()
    where(page, seen)
    settle(page)
    shot(page, "history_back_to_log")
    history = page.evaluate("() => history.length")

    text = "\n".join(seen)
    assert seen and history > 3
    for name, record_id in ids.items():
        plain, packed = record_id, uuid.UUID(record_id).hex
        assert plain not in text and packed not in text, name
    assert UUID.findall(text) == [], text

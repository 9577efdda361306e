"""A record page shows its send status; the outbox lists what waits; drafts."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

from harness import Tab

from app.services import ContactForm

Unlocked = Callable[[], Awaitable[Tab]]


async def test_saved_contact_says_it_waits_and_the_outbox_lists_it(
    unlocked: Unlocked,
) -> None:
    tab = await unlocked()
    await tab.press("New contact")
    await tab.type("Notes", "Talked at the water point")
    await tab.press("Save")
    assert tab.route == "/record"
    assert tab.has_text("Waiting to be sent to the hub.")
    shell = tab.page.on_route_change.__self__  # type: ignore[union-attr]
    shell.services.places.find_or_create("North gate")
    shell.go("/outbox")
    await tab.settle()
    assert tab.has_text("1 record waiting to be sent")
    assert tab.has_text("Contact: Bilateral dialogue")
    assert tab.has_text("Also 1 place or actor.")
    await tab.open_row("Contact: Bilateral dialogue")
    assert tab.route == "/record"


async def test_a_contact_saved_as_draft_is_listed_to_complete_then_final(
    unlocked: Unlocked,
) -> None:
    tab = await unlocked()
    await tab.press("New contact")
    await tab.type("Notes", "Half written at the roadside")
    await tab.press("Save draft")
    assert tab.route == "/record"
    assert tab.has_text("Draft")
    shell = tab.page.on_route_change.__self__  # type: ignore[union-attr]
    shell.go("/")
    await tab.settle()
    assert tab.has_text("Drafts to complete")
    await tab.open_row("Contact: Bilateral dialogue")
    assert tab.route == "/contact/edit"  # a draft opens where it is finished
    await tab.press("Save")
    shell.go("/")
    await tab.settle()
    assert not tab.has_text("Drafts to complete")
    assert shell.services.records.home().unfinished == []


async def test_an_untouched_edit_form_keeps_no_draft_and_shows_no_banner(
    unlocked: Unlocked,
) -> None:
    tab = await unlocked()
    shell = tab.page.on_route_change.__self__  # type: ignore[union-attr]
    contact = shell.services.contacts.save(ContactForm(on="2026-11-30", notes="Met"))
    log = shell.services.checkpoints.quick_save(
        outcome="passed", observed_at=dt.datetime.now().astimezone()
    )
    for route, record in (("/contact/edit", contact), ("/log/edit", log)):
        shell.go(route, id=record)
        await tab.settle()
        shell.autosave()
        assert shell.services.drafts.all() == []
        assert shell.screen.restored is False

"""View wiring without a browser: unlock, quick log, lock with drafts, sessions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Awaitable, Callable

import flet as ft
from harness import Tab

from app.services import VaultGate

PASSPHRASE = "correct horse battery"
Unlocked = Callable[[], Awaitable[Tab]]


async def test_first_run_shows_create_screen_with_warning(
    open_tab: Callable[..., Tab],
) -> None:
    tab = open_tab()
    assert tab.has_text("Create your vault")
    assert tab.has_text("nobody can recover your records")
    await tab.type("New passphrase", "short")
    assert tab.has_text("Strength: too short")


async def test_mismatched_passphrases_show_error_next_to_field(
    open_tab: Callable[..., Tab], ui_gate: VaultGate
) -> None:
    tab = open_tab()
    await tab.type("New passphrase", PASSPHRASE)
    await tab.type("Type it again", PASSPHRASE + "x")
    await tab.press("Create vault")
    assert tab.field("Type it again").error == "The two entries are different."
    assert tab.field("New passphrase").value == PASSPHRASE
    assert not ui_gate.exists()


async def test_quick_log_takes_five_taps_and_lands_in_lists(unlocked: Unlocked) -> None:
    tab = await unlocked()
    # Seed a recent place and actor, as a team would have after the first days.
    shell_services = _services(tab)
    shell_services.places.find_or_create("North gate")
    from app.services import ActorForm

    shell_services.actors.save(ActorForm(name="Hawks Brigade"))
    _shell(tab).refresh()  # type: ignore[attr-defined]
    taps = 0
    for action in (
        lambda: tab.press("Log checkpoint"),
        lambda: tab.pick("North gate"),
        lambda: tab.pick("Hawks Brigade"),
        lambda: tab.pick("Delayed"),
        lambda: tab.press("Save log"),
    ):
        await action()
        taps += 1
    assert taps <= 5
    assert tab.route == "/"
    assert tab.has_text("Checkpoint: Delayed")
    assert tab.has_text("Drafts to complete")
    await tab.nav("Records")
    assert tab.route == "/records"
    assert tab.has_text("Checkpoint: Delayed")
    assert tab.has_text("Draft") and tab.has_text("Not synced")


async def test_lock_on_hide_keeps_typed_text_as_draft_and_restores_it(
    unlocked: Unlocked, ui_gate: VaultGate
) -> None:
    tab = await unlocked()
    await tab.press("New contact")
    await tab.type("What we asked for", "Open the water point")
    await tab.lifecycle("hide")
    assert tab.has_text("Unlock Parley")
    assert not any("water point" in (getattr(c, "value", "") or "") for c in tab.walk())
    await tab.type("Passphrase", PASSPHRASE)
    await tab.press("Unlock")
    assert tab.route == "/contact/new"
    assert tab.field("What we asked for").value == "Open the water point"
    assert tab.has_text("You were typing here when the app locked.")


async def test_idle_timeout_locks_the_session(unlocked: Unlocked) -> None:
    tab = await unlocked()
    shell = _shell(tab)
    shell._last_touch -= 301
    shell.tick()
    assert tab.has_text("Unlock Parley")
    assert not shell.unlocked


async def test_second_tab_sees_unlock_screen_while_first_is_unlocked(
    unlocked: Unlocked, open_tab: Callable[..., Tab]
) -> None:
    first = await unlocked()
    second = open_tab("/records")
    assert second.has_text("Unlock Parley")
    assert first.has_text("Latest records")
    await second.type("Passphrase", "wrong passphrase")
    await second.press("Unlock")
    assert second.has_text("Wrong passphrase. Check it and try again.")
    assert first.has_text("Latest records")


async def test_wrong_passphrase_with_wipe_limit_says_tries_left(
    unlocked: Unlocked, open_tab: Callable[..., Tab]
) -> None:
    tab = await unlocked()
    _services(tab).security.set_wipe_limit(5, passphrase=PASSPHRASE)
    await tab.press("Lock now")
    await tab.type("Passphrase", "not it at all")
    await tab.press("Unlock")
    assert tab.has_text("4 tries left")


async def test_contact_validation_error_keeps_input_then_saves(
    unlocked: Unlocked,
) -> None:
    tab = await unlocked()
    await tab.press("New contact")
    await tab.type("Date (YYYY-MM-DD)", "31/05/2024")
    await tab.type("What we asked for", "Let trucks pass")
    await tab.pick("Direct dialogue")
    await tab.press("Add commitment")
    soon = (dt.date.today() + dt.timedelta(days=10)).isoformat()
    await tab.type("Due date 1 (YYYY-MM-DD)", soon)
    await tab.press("Save")
    assert (
        tab.field("Date (YYYY-MM-DD)").error
        == "Use the form 2024-05-31 (year-month-day)."
    )
    assert tab.field("Commitment 1").error == "Required."
    assert tab.field("What we asked for").value == "Let trucks pass"
    await tab.type("Date (YYYY-MM-DD)", dt.date.today().isoformat())
    await tab.type("Commitment 1", "Open the gate at 8")
    await tab.press("Save")
    assert tab.route == "/record"
    assert tab.has_text("Let trucks pass")
    assert tab.has_text("Direct dialogue")


async def test_actor_search_matches_alias(unlocked: Unlocked) -> None:
    tab = await unlocked()
    await tab.nav("Actors")
    await tab.press("Add actor")
    await tab.type("Name", "Northern Brigade")
    await tab.type("Aliases (one per line)", "The Hawks")
    await tab.pick("Militia / self-defence")
    await tab.press("Save")
    assert tab.route == "/actor"
    assert tab.has_text("Also known as: The Hawks")
    await tab.back()
    await tab.type("Search name or alias", "hawk")
    assert tab.has_text("Northern Brigade")
    assert tab.has_text("alias: The Hawks")
    await tab.type("Search name or alias", "river")
    assert tab.has_text("No actors match.")


async def test_delete_asks_first_and_leaves_history(unlocked: Unlocked) -> None:
    tab = await unlocked()
    await tab.press("Log checkpoint")
    await tab.pick("Passed")
    await tab.press("Save log")
    await tab.nav("Records")
    await tab.open_row("Checkpoint: Passed")
    assert tab.route == "/record"
    record_id = tab.params["id"]
    await tab.press("Delete")
    dialogs = [c for c in tab.walk() if isinstance(c, ft.AlertDialog) and c.open]
    assert dialogs
    delete = [
        c
        for c in tab.walk()
        if isinstance(c, ft.FilledButton)
        and getattr(c.content, "value", "") == "Delete"
    ]
    await tab.tap(delete[0])
    assert tab.route == "/records"
    assert tab.has_text("No records match.")
    history = _services(tab).records.history(record_id)
    assert history[-1].deleted


def _shell(tab: Tab) -> object:
    return tab.page.on_route_change.__self__  # type: ignore[union-attr]


def _services(tab: Tab):
    return _shell(tab).services  # type: ignore[attr-defined]

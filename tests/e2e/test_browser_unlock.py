"""First run, wrong passphrase, auto-lock with draft, per-tab sessions."""

from __future__ import annotations

from conftest import PASSPHRASE, Tabs
from helpers import (
    button,
    create_vault,
    fill,
    hide_app,
    shot,
    show_app,
    tap,
    unlock,
    value_of,
)
from playwright.sync_api import expect


def test_first_run_creates_the_vault_and_opens_home(tabs: Tabs) -> None:
    page = tabs.open()
    expect(page.get_by_role("heading", name="Create your vault")).to_be_visible()
    expect(
        page.get_by_text("nobody can recover your records", exact=False)
    ).to_be_visible()
    fill(page, "New passphrase", "abc")
    expect(page.get_by_text("Strength: too short", exact=False)).to_be_visible()
    create_vault(page, PASSPHRASE)
    expect(page.get_by_role("tab", name="Home")).to_be_visible()
    assert (tabs.server.data_dir / "vault" / "k.bin").exists()
    shot(page, "first_run_home")


def test_wrong_passphrase_shows_a_plain_message(tabs: Tabs) -> None:
    page = tabs.open()
    create_vault(page, PASSPHRASE)
    tap(button(page, "Lock now"))
    unlock(page, "not my passphrase")
    expect(
        page.get_by_text("Wrong passphrase. Check it and try again.")
    ).to_be_visible()
    shot(page, "wrong_passphrase")


def test_hiding_the_app_locks_it_and_unlock_restores_the_draft(tabs: Tabs) -> None:
    page = tabs.open()
    create_vault(page, PASSPHRASE)
    tap(button(page, "New contact"))
    fill(page, "Interlocutor's role", "Deputy commander")
    hide_app(page)
    expect(page.get_by_role("heading", name="Unlock Parley")).to_be_visible(
        timeout=10_000
    )
    expect(page.get_by_text("Deputy commander")).to_have_count(0)
    show_app(page)
    unlock(page, PASSPHRASE)
    expect(
        page.get_by_text("You were typing here when the app locked.")
    ).to_be_visible()
    expect(value_of(page, "Interlocutor's role")).to_have_value("Deputy commander")
    shot(page, "draft_restored_after_lock")


def test_a_second_browser_context_sees_the_unlock_screen(tabs: Tabs) -> None:
    first = tabs.open()
    create_vault(first, PASSPHRASE)
    second = tabs.open()
    expect(second.get_by_role("heading", name="Unlock Parley")).to_be_visible()
    expect(second.get_by_role("button", name="Log checkpoint")).to_have_count(0)
    expect(first.get_by_role("button", name="Log checkpoint")).to_be_visible()
    shot(second, "second_tab_locked")

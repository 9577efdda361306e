"""Pick lists add a missing actor or place on the spot; nothing typed is dropped."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from harness import Tab

from app.services import ActorForm

Unlocked = Callable[[], Awaitable[Tab]]
NEW = "Blue Scarves militia"


def _services(tab: Tab) -> Any:
    return tab.page.on_route_change.__self__.services  # type: ignore[union-attr]


def _only_log(tab: Tab) -> Any:
    services = _services(tab)
    rows = services.records.home().recent
    assert len(rows) == 1
    return services.checkpoints.form(str(rows[0].id))


async def test_quick_log_adds_a_typed_actor_with_its_type_in_one_more_tap(
    unlocked: Unlocked,
) -> None:
    tab = await unlocked()
    await tab.press("Log checkpoint")
    await tab.type("Actor name or alias", NEW)
    await tab.press(f"Add actor “{NEW}”")
    assert tab.has_text(f"What kind of actor is “{NEW}”?")
    await tab.pick("Militia / self-defence")
    assert tab.chip(NEW).selected
    await tab.pick("Passed")
    await tab.press("Save log")
    assert tab.route == "/"
    actor_id = _only_log(tab).actor_id
    actor = _services(tab).actors.form(actor_id)
    assert (actor.name, actor.actor_type) == (NEW, "militia")


async def test_quick_log_refuses_to_drop_a_typed_actor_without_a_word(
    unlocked: Unlocked,
) -> None:
    tab = await unlocked()
    await tab.press("Log checkpoint")
    await tab.type("Actor name or alias", NEW)
    await tab.pick("Passed")
    await tab.press("Save log")
    assert tab.route == "/log/quick"
    assert tab.has_text(f"“{NEW}” is not in the list yet. Tap Add actor")
    assert tab.field("Actor name or alias").value == NEW
    assert _services(tab).records.home().recent == []


async def test_a_typed_alias_picks_the_existing_actor_instead_of_a_new_one(
    unlocked: Unlocked,
) -> None:
    tab = await unlocked()
    services = _services(tab)
    known = services.actors.save(ActorForm(name="Northern Brigade", aliases="Hawks"))
    await tab.press("Log checkpoint")
    await tab.type("Actor name or alias", "hawks")
    assert not any(
        "Add actor" in str(getattr(getattr(c, "content", None), "value", ""))
        for c in tab.top()
    )
    await tab.pick("Passed")
    await tab.press("Save log")
    assert _only_log(tab).actor_id == known
    assert len(services.actors.options()) == 1


async def test_full_checkpoint_form_adds_an_actor_and_a_place(
    unlocked: Unlocked,
) -> None:
    tab = await unlocked()
    tab.page.on_route_change.__self__.go("/log/new")  # type: ignore[union-attr]
    await tab.settle()
    await tab.type("Place name", "River ford")
    await tab.press("Add place “River ford”")
    await tab.type("Actor name or alias", NEW)
    await tab.press(f"Add actor “{NEW}”")
    await tab.pick("Non-State armed group")
    await tab.pick("Delayed")
    await tab.press("Save as complete")
    assert tab.route == "/record"
    assert tab.has_text(NEW) and tab.has_text("River ford")


async def test_contact_saved_with_an_actor_created_from_the_form(
    unlocked: Unlocked,
) -> None:
    tab = await unlocked()
    await tab.press("New contact")
    await tab.type("Actor name or alias", NEW)
    await tab.press(f"Add actor “{NEW}”")
    await tab.pick("Militia / self-defence")
    await tab.press("Save")
    assert tab.route == "/record"
    assert tab.has_text(NEW)


async def test_contact_with_a_typed_actor_not_added_is_not_saved(
    unlocked: Unlocked,
) -> None:
    tab = await unlocked()
    await tab.press("New contact")
    await tab.type("Actor name or alias", NEW)
    await tab.press("Save")
    assert tab.route == "/contact/new"
    assert tab.has_text(f"“{NEW}” is not in the list yet.")

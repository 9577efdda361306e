"""Guide screens in-process: library, search, card, bookmarks, picker, contact."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

import flet as ft
from harness import Tab, _walk

Unlocked = Callable[[], Awaitable[Tab]]


def _shell(tab: Tab) -> Any:
    return tab.page.on_route_change.__self__  # type: ignore[union-attr]


def _spans(control: ft.Text) -> str:
    return "".join(span.text or "" for span in control.spans or [])


def _all_text(tab: Tab) -> list[str]:
    """Text values and span texts on the top view (search results use spans)."""
    found = []
    for c in tab.top():
        if isinstance(c, ft.Text):
            found.append(c.value or _spans(c))
        elif isinstance(c, ft.Markdown):
            found.append(c.value)
    return found


async def _open_tile(tab: Tab, first_line: str) -> None:
    """Tap the row whose first text (plain or with marked spans) is ``first_line``."""
    for c in tab.top():
        if not isinstance(c, ft.Container) or c.on_click is None:
            continue
        texts = [x for x in _walk([c]) if isinstance(x, ft.Text)]
        if texts and (texts[0].value or _spans(texts[0])) == first_line:
            await tab.tap(c)
            return
    raise AssertionError(f"no row {first_line!r}")


def _banner_shown(tab: Tab) -> bool:
    banners = [
        c
        for c in tab.top()
        if isinstance(c, ft.Container)
        and any(
            isinstance(x, ft.Text) and "It is restored" in (x.value or "")
            for x in _walk([c.content])
        )
    ]
    return any(b.visible for b in banners)


async def _guide(unlocked: Unlocked) -> Tab:
    tab = await unlocked()
    await tab.nav("Guide")
    return tab


async def test_guide_tab_lists_every_card_grouped_by_kind(unlocked: Unlocked) -> None:
    tab = await _guide(unlocked)
    texts = tab.texts()
    headings = [x for x in texts if x in {"Methods", "Approaches", "Foundations"}]
    assert headings == ["Methods", "Approaches", "Foundations"]
    assert "Armed actors" in texts
    library = _shell(tab).services.guidance.library
    for card in library.cards():
        assert card.title in texts and card.summary in texts


async def test_search_ignores_a_wrong_accent_and_marks_the_matched_word(
    unlocked: Unlocked,
) -> None:
    tab = await _guide(unlocked)
    await tab.type("Search the guide", "dèmarche")
    assert tab.has_text("1 card matches")
    marked = [
        span.text
        for c in tab.top()
        if isinstance(c, ft.Text)
        for span in c.spans or []
        if span.style is not None and span.style.weight == ft.FontWeight.BOLD
    ]
    assert marked == ["démarche"]
    await _open_tile(tab, "Direct dialogue")
    assert tab.location == "/guide/card?card=method-direct_dialogue"
    await tab.back()
    assert tab.route == "/guide"
    assert tab.field("Search the guide").value == "dèmarche"
    await tab.type("Search the guide", "zzzqqq")
    assert tab.has_text("No card matches")
    await tab.press("Clear the search")
    assert tab.field("Search the guide").value == ""
    assert tab.has_text("Direct dialogue") and tab.has_text("Methods")


async def test_card_shows_its_sections_records_recent_and_links_related(
    unlocked: Unlocked,
) -> None:
    tab = await _guide(unlocked)
    await _open_tile(tab, "Direct dialogue")
    services = _shell(tab).services
    card = services.guidance.library.card("method-direct_dialogue")
    texts = _all_text(tab)
    assert card.title in texts and card.summary in texts
    assert all(heading in texts for heading in card.headings)
    assert "Related cards" in texts
    assert [c.id for c in services.guidance.recent()] == ["method-direct_dialogue"]
    related = services.guidance.library.related(card.id)[0]
    await _open_tile(tab, related.title)
    assert tab.location == f"/guide/card?card={related.id}"
    await tab.back()  # retraces the reader's steps, not the route table
    assert tab.location == "/guide/card?card=method-direct_dialogue"
    await tab.back()
    assert tab.route == "/guide"
    await tab.press("Recently read")
    shown = [x for x in tab.texts() if x in {card.title, related.title}]
    assert shown == [card.title, related.title]  # read again on Back: on top


async def test_bookmark_toggle_shows_in_bookmarks(unlocked: Unlocked) -> None:
    tab = await _guide(unlocked)
    await _open_tile(tab, "Quid pro quo and compromise")
    await tab.press("Bookmark this card")
    assert tab.button("Remove bookmark") is not None
    await tab.back()
    await tab.press("Bookmarks")
    assert tab.route == "/guide/bookmarks"
    assert tab.has_text("Quid pro quo and compromise")
    await _open_tile(tab, "Quid pro quo and compromise")
    await tab.press("Remove bookmark")
    await tab.back()
    assert tab.route == "/guide/bookmarks"
    assert tab.has_text("No bookmarks yet")


async def test_picker_asks_five_questions_then_ranks_with_reasons(
    unlocked: Unlocked,
) -> None:
    tab = await _guide(unlocked)
    await tab.press("Help me choose a method")
    assert tab.has_text("Question 1 of 5")
    for answer in (
        "Secure safe access or safe passage for aid",
        "A non-State armed group",
        "Yes, we can meet people who decide",
        "National staff or community members they know",
        "Low: we must not put access or staff at risk",
    ):
        await _open_tile(tab, answer)
    texts = tab.texts()
    assert "Methods, best fit first" in texts and "Best fit" in texts
    assert "1. Direct dialogue" in texts
    assert "1. Appealing to common interest and humanity" in texts
    assert any("reach people who decide" in x for x in texts)  # a reason
    await _open_tile(tab, "1. Direct dialogue")
    assert tab.location == "/guide/card?card=method-direct_dialogue"
    await tab.back()
    assert tab.route == "/guide/pick"
    assert tab.has_text("1. Direct dialogue")  # the answers were kept
    await _open_tile(tab, "How much risk can you accept?")  # change one answer
    assert tab.has_text("Question 5 of 5")
    await _open_tile(tab, "High: we accept serious risk for this outcome")
    assert tab.has_text("Methods, best fit first")
    assert tab.has_text("High: we accept serious risk")
    await tab.press("Start again")
    assert tab.has_text("Question 1 of 5")


async def test_picker_points_to_cards_to_read_first(unlocked: Unlocked) -> None:
    # A group holds the road to the water point: the picker says what to read.
    tab = await _guide(unlocked)
    await tab.press("Help me choose a method")
    for answer in (
        "Protect food, water and livelihoods",
        "A militia or community defence group",
        "Only through gatekeepers or other people",
        "National staff or community members they know",
        "Low: we must not put access or staff at risk",
    ):
        await _open_tile(tab, answer)
    assert tab.has_text("Read before you go")
    title = "When a group controls water, fuel, a road or a market"
    assert tab.has_text(title)
    await _open_tile(tab, title)
    assert tab.location == "/guide/card?card=basics-resource-control"
    await tab.back()
    assert tab.route == "/guide/pick"


async def test_a_card_shown_in_english_to_a_french_reader_says_so(
    unlocked: Unlocked,
) -> None:
    tab = await unlocked()
    guidance = _shell(tab).services.guidance
    guidance.library = guidance.library.in_language("fr")  # the reader's language
    _shell(tab).go("/guide/card", card="method-direct_dialogue")
    assert tab.has_text("Le dialogue direct")
    assert not tab.has_text("shown in English")
    _shell(tab).go("/guide/card", card="basics-coordination")
    assert tab.has_text("Coordination: who talks to whom")
    assert tab.has_text("not translated into your language yet")


async def test_contact_chip_opens_card_marked_consulted_then_saved(
    unlocked: Unlocked,
) -> None:
    tab = await unlocked()
    await tab.press("New contact")
    await tab.type("Interlocutor's role", "Gate commander")
    await tab.press("Guidance on Direct dialogue")
    assert tab.location == "/guide/card?card=method-direct_dialogue"
    assert tab.has_text("You came from a contact form")
    await tab.press("Mark as consulted for this contact")
    assert tab.route == "/contact/new"
    assert tab.field("Interlocutor's role").value == "Gate commander"
    assert "Guidance consulted" in tab.texts() and "Direct dialogue" in tab.texts()
    assert not _banner_shown(tab)  # nothing was locked: no "restored" banner
    await tab.press("Guidance on Direct dialogue")  # open it again: already marked
    assert tab.has_text("marked as consulted for your contact")
    await tab.press("Back to the contact")
    assert tab.route == "/contact/new"
    await tab.press("Save")
    record_id = tab.params["id"]
    services = _shell(tab).services
    assert services.contacts.form(record_id).cards == ["method-direct_dialogue"]
    assert tab.has_text("Guidance consulted") and tab.has_text("Direct dialogue")


async def test_back_from_a_card_returns_to_the_form_without_marking(
    unlocked: Unlocked,
) -> None:
    tab = await unlocked()
    await tab.press("New contact")
    await tab.press("Guidance on Quid pro quo, compromise")
    await tab.back()
    assert tab.route == "/contact/new"
    assert not tab.has_text("Guidance consulted")
    await tab.type("What we asked for", "Open the road")
    await tab.press("Save")
    record_id = tab.params["id"]
    assert _shell(tab).services.contacts.form(record_id).cards == []


async def test_consulted_mark_is_kept_in_the_draft_across_a_lock(
    unlocked: Unlocked,
) -> None:
    tab = await unlocked()
    await tab.press("New contact")
    await tab.press("Guidance on Direct dialogue")
    await _open_tile(tab, "Referring to international humanitarian law")
    await tab.press("Mark as consulted for this contact")
    assert tab.route == "/contact/new"
    await tab.press("Lock now")
    await tab.type("Passphrase", "correct horse battery")
    await tab.press("Unlock")
    assert tab.route == "/contact/new"
    assert _banner_shown(tab)  # this time the app did lock
    assert "Referring to international humanitarian law" in tab.texts()


async def test_consulted_card_can_be_taken_off_the_form(unlocked: Unlocked) -> None:
    tab = await unlocked()
    await tab.press("New contact")
    await tab.press("Guidance on Direct dialogue")
    await tab.press("Mark as consulted for this contact")
    await tab.press("Remove Direct dialogue from consulted guidance")
    assert "Guidance consulted" not in tab.texts()
    await tab.type("What we asked for", "Open the road")
    await tab.press("Save")
    record_id = tab.params["id"]
    assert _shell(tab).services.contacts.form(record_id).cards == []


async def test_leaving_the_guide_forgets_the_contact_it_was_read_for(
    unlocked: Unlocked,
) -> None:
    tab = await unlocked()
    await tab.press("New contact")
    await tab.press("Guidance on Direct dialogue")
    assert tab.has_text("You came from a contact form")
    _shell(tab).go("/")  # the address bar, or a link elsewhere
    await tab.nav("Guide")
    await _open_tile(tab, "Direct dialogue")
    assert not tab.has_text("You came from a contact form")
    await tab.back()
    assert tab.route == "/guide"


async def test_a_card_the_pack_lacks_says_so(unlocked: Unlocked) -> None:
    tab = await unlocked()
    _shell(tab).go("/guide/card", card="method-no-such-card")
    assert tab.has_text("not in the guidance pack")

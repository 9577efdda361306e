"""One session's guidance service, and how the composition root builds the library."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from app.main import build_gate, build_guidance
from app.services import ContactForm, Services
from app.services.guidance import (
    ConsultTarget,
    GuidanceLibrary,
    PackInstaller,
    bundled_pack_dir,
    mark_consulted,
)
from app.settings import Settings
from tests.conftest import FAST_KDF

PASSPHRASE = "correct horse battery"
PackFactory = Callable[..., Path]


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data")


@pytest.fixture
def services(settings: Settings) -> Iterator[Services]:
    opened = build_gate(settings, kdf=FAST_KDF).create(PASSPHRASE, PASSPHRASE)
    yield opened
    opened.close()


def _target(**values: object) -> ConsultTarget:
    form = dataclasses.replace(ContactForm(on="2025-11-20"), **values)
    return ConsultTarget(
        draft_key="contact:new",
        route="/contact/new",
        form="contact",
        values=dataclasses.asdict(form),
    )


def test_reading_a_card_puts_it_on_top_of_recent(services: Services) -> None:
    guidance = services.guidance
    assert guidance.read("method-indirect") is not None
    assert guidance.read("approach-local_norms") is not None
    assert guidance.read("no-such-card") is None
    guidance.read("method-indirect")
    assert [c.id for c in guidance.recent()] == [
        "method-indirect",
        "approach-local_norms",
    ]


def test_bookmarks_hide_cards_the_pack_no_longer_has(services: Services) -> None:
    guidance = services.guidance
    guidance.reading.add_bookmark("method-indirect")
    guidance.reading.add_bookmark("basics-retired-card")
    assert [c.id for c in guidance.bookmarks()] == ["method-indirect"]


def test_mark_consulted_starts_a_draft_from_the_form_values(
    services: Services,
) -> None:
    target = _target(interlocutor_role="Gate commander")
    services.guidance.mark_consulted(target, "method-direct_dialogue")
    draft = services.drafts.get("contact:new")
    assert draft is not None and draft.route == "/contact/new"
    assert draft.values["interlocutor_role"] == "Gate commander"
    assert draft.values["cards"] == ["method-direct_dialogue"]
    assert services.guidance.consulted(target) == ["method-direct_dialogue"]


def test_mark_consulted_adds_to_the_newer_draft_once(services: Services) -> None:
    target = _target()
    newer = dataclasses.asdict(ContactForm(on="2025-11-21", asks="Open the road"))
    services.drafts.save(
        key="contact:new", route="/contact/new", form="contact", values=newer
    )
    services.guidance.mark_consulted(target, "approach-quid_pro_quo")
    services.guidance.mark_consulted(target, "approach-quid_pro_quo")
    draft = services.drafts.get("contact:new")
    assert draft is not None
    assert draft.values["asks"] == "Open the road"  # the draft wins over the target
    assert draft.values["cards"] == ["approach-quid_pro_quo"]
    services.guidance.unmark_consulted(target, "approach-quid_pro_quo")
    assert services.guidance.consulted(target) == []


def test_mark_consulted_works_on_a_contact_form_too() -> None:
    form = ContactForm(cards=["method-indirect"])
    marked = mark_consulted(form, "actor-gang")
    assert marked.cards == ["method-indirect", "actor-gang"]
    assert form.cards == ["method-indirect"]
    assert mark_consulted(marked, "actor-gang") is marked


def test_titles_skip_unknown_ids(services: Services) -> None:
    titles = services.guidance.titles(["method-indirect", "gone", "actor-gang"])
    assert titles == [
        "Indirect engagement through intermediaries",
        "Gangs and criminal armed groups",
    ]


def test_every_session_shares_the_library_built_at_start(settings: Settings) -> None:
    gate = build_gate(settings, kdf=FAST_KDF)
    first = gate.create(PASSPHRASE, PASSPHRASE)
    second = gate.unlock(PASSPHRASE)
    try:
        assert first.guidance.library is second.guidance.library
        assert first.guidance.reading is not second.guidance.reading
    finally:
        first.close()
        second.close()


def test_the_library_uses_an_installed_newer_pack(
    settings: Settings, make_pack: PackFactory
) -> None:
    installer = PackInstaller(
        settings.packs_dir, bundled=bundled_pack_dir(), verify=None
    )
    installer.install(make_pack(version=7))
    assert build_guidance(settings).info.version == 7


def test_a_damaged_installed_pack_falls_back_to_the_bundled_one(
    settings: Settings, make_pack: PackFactory
) -> None:
    installer = PackInstaller(
        settings.packs_dir, bundled=bundled_pack_dir(), verify=None
    )
    installer.install(make_pack(version=7))
    (settings.packs_dir / "pack-000007" / "pack.toml").write_text("broken = [")
    library = build_guidance(settings)
    assert library.info.version == GuidanceLibrary.bundled().info.version


def test_a_session_reads_the_guidance_in_its_language(services: Services) -> None:
    guidance = services.guidance
    assert guidance.language == "en"
    guidance.read_in("ar")
    assert guidance.language == "ar"
    card = guidance.read("method-indirect")
    assert card is not None and card.language == "ar"
    assert guidance.library.direction == "rtl"
    # Bookmarks and recent hold ids: they follow the reader into any language.
    guidance.reading.toggle_bookmark("method-indirect")
    assert [c.title for c in guidance.bookmarks()] == [card.title]
    guidance.read_in("en")
    assert guidance.bookmarks()[0].title == "Indirect engagement through intermediaries"


def test_a_newly_installed_pack_keeps_the_session_language(
    services: Services, make_pack: PackFactory
) -> None:
    guidance = services.guidance
    guidance.read_in("fr")
    fresh = GuidanceLibrary(
        PackInstaller(
            Path(make_pack(version=2)).parent / "packs",
            bundled=bundled_pack_dir(),
            verify=None,
        ).install(make_pack(version=2))
    )
    guidance.use(fresh)
    assert guidance.language == "fr"
    assert guidance.library.info.version == 2
    assert guidance.library.in_language("en") is fresh

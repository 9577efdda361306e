"""Actors and places: search by alias, edits as revisions, the actor page."""

from __future__ import annotations

import datetime as dt

import pytest

from app.errors import RecordNotFound, ValidationFailed
from app.services import ActorForm, CheckpointForm, ContactForm, PlaceForm, Services


def test_actor_search_matches_aliases_in_any_case(services: Services) -> None:
    services.actors.save(ActorForm(name="Northern Brigade", aliases="The Hawks\nNB"))
    services.actors.save(ActorForm(name="River Militia"))
    rows = services.actors.search("hawk")
    assert [r.name for r in rows] == ["Northern Brigade"]
    assert rows[0].matched_alias == "The Hawks"
    assert [r.name for r in services.actors.search("")] == [
        "Northern Brigade",
        "River Militia",
    ]


def test_actor_without_name_is_refused_with_a_field_code(services: Services) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.actors.save(ActorForm(name="  "))
    assert caught.value.fields == {"name": "required"}


def test_editing_an_actor_keeps_history(services: Services) -> None:
    actor_id = services.actors.save(ActorForm(name="Unit 7"))
    form = services.actors.form(actor_id)
    form.area = "East road"
    services.actors.save(form)
    history = services.records.history(actor_id)
    assert len(history) == 2
    assert [c.field for c in history[1].changes] == ["area"]


def test_parent_options_exclude_self_and_descendants(services: Services) -> None:
    top = services.actors.save(ActorForm(name="Top"))
    child = services.actors.save(ActorForm(name="Child", parent_id=top))
    services.actors.save(ActorForm(name="Other"))
    names = [o.name for o in services.actors.parent_options(top)]
    assert names == ["Other"]
    assert "Top" in [o.name for o in services.actors.parent_options(child)]


def test_actor_page_lists_logs_and_contacts_newest_first(services: Services) -> None:
    actor = services.actors.save(ActorForm(name="Unit 9"))
    old = dt.datetime(2024, 1, 2, 9, 0).astimezone()
    services.checkpoints.quick_save(outcome="passed", observed_at=old, actor_id=actor)
    services.contacts.save(ContactForm(on="2024-03-01", actor_id=actor))
    services.checkpoints.quick_save(
        outcome="delayed", observed_at=dt.datetime.now().astimezone()
    )
    page = services.actors.page(actor)
    assert [r.kind for r in page.timeline] == ["contact", "checkpoint"]


def test_place_coordinates_are_rounded_to_about_a_kilometre(services: Services) -> None:
    place = services.places.save(PlaceForm(name="Gate", lat="12.34567", lon="45.6789"))
    form = services.places.form(place)
    assert (form.lat, form.lon) == ("12.35", "45.68")


def test_place_with_half_a_position_is_refused(services: Services) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.places.save(PlaceForm(name="Gate", lat="12.3"))
    assert caught.value.fields == {"lon": "required"}


def test_find_or_create_place_reuses_names_in_any_case(services: Services) -> None:
    first = services.places.find_or_create("Bridge")
    assert services.places.find_or_create(" bridge ") == first


def test_find_or_create_actor_adds_it_with_its_type(services: Services) -> None:
    made = services.actors.find_or_create(" Blue Scarves ", "militia")
    form = services.actors.form(made)
    assert (form.name, form.actor_type) == ("Blue Scarves", "militia")


def test_find_or_create_actor_reuses_a_name_or_alias_in_any_case(
    services: Services,
) -> None:
    known = services.actors.save(ActorForm(name="Northern Brigade", aliases="Hawks"))
    assert services.actors.find_or_create("northern brigade", "gang") == known
    assert services.actors.find_or_create("HAWKS") == known
    assert len(services.actors.options()) == 1


def test_find_or_create_actor_refuses_an_unknown_type_or_no_name(
    services: Services,
) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.actors.find_or_create("Blue Scarves", "dragons")
    assert caught.value.fields == {"actor_type": "bad_choice"}
    with pytest.raises(ValidationFailed) as caught:
        services.actors.find_or_create("  ", "militia")
    assert caught.value.fields == {"name": "required"}
    assert services.actors.options() == []


def test_quick_choices_offer_every_actor_recent_first(services: Services) -> None:
    for name in ("A1", "A2", "A3", "A4", "A5", "A6", "A7", "A8"):
        services.actors.save(ActorForm(name=name))
    assert len(services.checkpoints.quick_choices().actors) == 8


def test_unknown_ids_raise_record_not_found(services: Services) -> None:
    with pytest.raises(RecordNotFound):
        services.actors.form("not-an-id")
    with pytest.raises(RecordNotFound):
        services.checkpoints.form(services.places.find_or_create("X"))


def test_checkpoint_form_refuses_constraint_on_free_crossing(
    services: Services,
) -> None:
    form = CheckpointForm(
        observed_at="2024-05-01 10:00", outcome="passed", constraint="violence"
    )
    with pytest.raises(ValidationFailed) as caught:
        services.checkpoints.save(form)
    assert caught.value.fields == {"constraint": "free_crossing"}

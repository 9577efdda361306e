"""Every field a person can type refuses control characters with a field code.

The rule is the shared one in ``models.text`` (the hub applies it too); the form
reports it under the field that holds the character, so the screen can say which.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest

from app.errors import ValidationFailed
from app.services import (
    ActorForm,
    PlaceForm,
    Services,
)
from models import Actor, CheckpointLog, Contact, FollowUp, Place

BAD = ["\x00", "\x1b[31m", "\x07", "\x7f", "\x85", "\r"]

Save = Callable[[Services, str], object]


def _actor(field: str) -> Save:
    def save(services: Services, text: str) -> object:
        form = ActorForm(name="Unit 4")
        setattr(form, field, f"a{text}b" if field != "name" else f"Unit{text}4")
        return services.actors.save(form)

    return save


def _place(field: str) -> Save:
    def save(services: Services, text: str) -> object:
        form = PlaceForm(name="North gate")
        setattr(form, field, f"North{text}gate")
        return services.places.save(form)

    return save


def _log(field: str) -> Save:
    def save(services: Services, text: str) -> object:
        form = services.checkpoints.new_form()
        form.outcome = "delayed"
        setattr(form, field, f"two{text}boxes")
        return services.checkpoints.save(form)

    return save


def _contact(field: str) -> Save:
    def save(services: Services, text: str) -> object:
        form = services.contacts.new_form()
        if field == "commitment_text:0":
            form.commitments = [{"text": f"free{text}passage", "due": ""}]
        elif field == "follow_up_title:0":
            form.follow_ups = [{"title": f"call{text}back", "due": ""}]
        else:
            setattr(form, field, f"the{text}ask")
        return services.contacts.save(form)

    return save


CASES: dict[str, tuple[Save, str]] = {
    "actor.name": (_actor("name"), "name"),
    "actor.aliases": (_actor("aliases"), "aliases"),
    "actor.area": (_actor("area"), "area"),
    "actor.notes": (_actor("notes"), "notes"),
    "place.name": (_place("name"), "name"),
    "place.notes": (_place("notes"), "notes"),
    "log.demands": (_log("demands"), "demands"),
    "log.items_checked": (_log("items_checked"), "items_checked"),
    "log.notes": (_log("notes"), "notes"),
    "contact.interlocutor_role": (
        _contact("interlocutor_role"),
        "interlocutor_role",
    ),
    "contact.asks": (_contact("asks"), "asks"),
    "contact.outcome": (_contact("outcome"), "outcome"),
    "contact.notes": (_contact("notes"), "notes"),
    "contact.commitment": (_contact("commitment_text:0"), "commitment_text:0"),
    "contact.follow_up": (_contact("follow_up_title:0"), "follow_up_title:0"),
}


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("bad", BAD, ids=[f"U+{ord(c[0]):04X}" for c in BAD])
def test_a_control_character_is_refused_at_the_form_under_its_field(
    services: Services, case: str, bad: str
) -> None:
    save, field = CASES[case]
    with pytest.raises(ValidationFailed) as caught:
        save(services, bad)
    assert caught.value.fields.get(field) == "control_character"
    assert bad not in str(caught.value)
    kinds = (Actor, Place, CheckpointLog, Contact, FollowUp)
    assert all(services._store.records(kind) == [] for kind in kinds)


@pytest.mark.parametrize("case", list(CASES))
def test_tabs_and_newlines_are_kept(services: Services, case: str) -> None:
    save, _ = CASES[case]
    text = (
        "\t" if case.endswith(("name", "aliases", "commitment", "follow_up")) else "\n"
    )
    assert save(services, text)


def test_the_place_created_inline_by_name_is_checked_too(services: Services) -> None:
    with pytest.raises(ValidationFailed) as caught:
        services.places.find_or_create("North\x00gate")
    assert caught.value.fields == {"name": "control_character"}

"""Record validation: coarse places, clean aliases, consistent checkpoint logs."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from models import Actor, Coords
from models.enums import AccessConstraint, CheckpointOutcome
from tests.factories import make_log


def test_coordinates_are_rounded_to_about_a_kilometre() -> None:
    assert Coords(lat=12.345678, lon=-3.14159) == Coords(lat=12.35, lon=-3.14)


def test_aliases_are_trimmed_and_deduplicated_ignoring_case() -> None:
    actor = Actor(name="Hawks", aliases=[" The Hawks", "the hawks", "", "Saqr"])
    assert actor.aliases == ["The Hawks", "Saqr"]


def test_free_crossing_cannot_carry_an_access_constraint() -> None:
    with pytest.raises(ValidationError):
        make_log(
            outcome=CheckpointOutcome.PASSED,
            constraint=AccessConstraint.MOVEMENT_RESTRICTION,
        )


def test_record_ids_are_random_uuid4() -> None:
    assert Actor(name="x").id.version == 4


def test_empty_actor_name_is_refused() -> None:
    with pytest.raises(ValidationError):
        Actor(name="")

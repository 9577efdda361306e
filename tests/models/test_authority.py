"""The one rule set for who may write what (hub and devices share it)."""

from __future__ import annotations

import pytest

from models.authority import (
    Writer,
    claim_refusal,
    entry_refusal,
    owner_after,
    record_refusal,
)
from models.refusals import REFUSALS

SOUTH = Writer("dev-south", "south", "field")
COORD = Writer("dev-coord", "hq", "coordinator")


def test_a_claim_the_certificate_backs_is_allowed() -> None:
    assert claim_refusal(SOUTH, device="dev-south", team="south") is None
    assert claim_refusal(SOUTH) is None


def test_a_claimed_device_other_than_the_signer_is_refused() -> None:
    assert claim_refusal(SOUTH, device="dev-north") == "device_mismatch"
    assert claim_refusal(COORD, device="dev-north") == "device_mismatch"


def test_a_field_device_claiming_another_team_is_refused() -> None:
    assert claim_refusal(SOUTH, team="north") == "team_mismatch"


def test_a_coordinator_may_write_under_any_team() -> None:
    assert claim_refusal(COORD, device="dev-coord", team="north") is None


def test_a_field_device_writes_only_its_own_teams_records() -> None:
    assert record_refusal(SOUTH, owner=None, team="south") is None
    assert record_refusal(SOUTH, owner="south") is None
    assert record_refusal(SOUTH, owner="north") == "not_owner"
    assert record_refusal(SOUTH, owner=None, team="north") == "team_mismatch"
    assert record_refusal(SOUTH, owner="south", team="north") == "team_mismatch"


def test_a_coordinator_annotates_and_reassigns_any_record() -> None:
    assert record_refusal(COORD, owner="north") is None
    assert record_refusal(COORD, owner="north", team="south") is None


def test_a_record_belongs_to_the_team_of_its_first_revision() -> None:
    assert owner_after(SOUTH, owner=None, team="south") == "south"
    assert owner_after(SOUTH, owner=None, team=None) == "south"
    assert owner_after(SOUTH, owner="south", team="south") == "south"


def test_a_coordinators_assignment_hands_the_record_to_that_team() -> None:
    assert owner_after(COORD, owner="north", team="south") == "south"
    assert owner_after(COORD, owner=None, team="north") == "north"
    assert owner_after(COORD, owner="north", team=None) == "north"


@pytest.mark.parametrize("field", ["name", "deleted", "merged_into"])
def test_renaming_deleting_merging_another_teams_entry_needs_a_coordinator(
    field: str,
) -> None:
    assert entry_refusal(SOUTH, creator="north", field=field) == "needs_coordinator"
    assert entry_refusal(COORD, creator="north", field=field) is None
    assert entry_refusal(SOUTH, creator="south", field=field) is None


@pytest.mark.parametrize("field", ["name", "area", "+alias", "actor_type"])
def test_anyone_creates_entries_and_adds_aliases_and_details(field: str) -> None:
    assert entry_refusal(SOUTH, creator=None, field=field) is None
    if field != "name":
        assert entry_refusal(SOUTH, creator="north", field=field) is None


def test_every_code_returned_is_a_listed_403_refusal() -> None:
    codes = {
        claim_refusal(SOUTH, device="x"),
        claim_refusal(SOUTH, team="x"),
        record_refusal(SOUTH, owner="x"),
        entry_refusal(SOUTH, creator="x", field="name"),
    }
    assert codes == {
        "device_mismatch",
        "team_mismatch",
        "not_owner",
        "needs_coordinator",
    }
    assert {REFUSALS[c] for c in codes if c} == {403}

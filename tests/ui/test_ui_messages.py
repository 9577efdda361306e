"""The message catalog covers every key the views use and every enum value."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from app.errors import (
    AppError,
    DiskFull,
    HubUnreachable,
    Rejected,
    StoreLocked,
    VaultCorrupt,
    WrongPassphrase,
)
from app.ui import catalog_en
from app.ui.messages import describe, enum_label, field_error, has
from models import enums

UI = Path(__file__).resolve().parents[2] / "app" / "ui"
GROUPS = {
    "actor_type": enums.ActorType,
    "influence": enums.Influence,
    "stance": enums.Stance,
    "outcome": enums.CheckpointOutcome,
    "constraint": enums.AccessConstraint,
    "contact_kind": enums.ContactKind,
    "level": enums.Level,
    "method": enums.Method,
    "approach": enums.Approach,
    "issue": enums.ProtectionIssue,
    "risk": enums.RiskFlag,
    "sensitivity": enums.Sensitivity,
    "contact_status": enums.ContactStatus,
    "compliance": enums.Compliance,
    "follow_up_status": enums.FollowUpStatus,
}


def test_every_literal_key_used_in_views_is_in_the_catalog() -> None:
    used: set[str] = set()
    for path in UI.rglob("*.py"):
        used |= set(re.findall(r"\bt\(\s*\"([a-z_.]+)\"", path.read_text()))
    assert used, "no keys found: the scan is broken"
    assert sorted(k for k in used if not has(k)) == []


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_every_enum_value_has_a_label(group: str) -> None:
    labels = catalog_en.ENUMS[group]
    assert sorted(v.value for v in GROUPS[group] if v.value not in labels) == []


def test_views_hold_no_hard_coded_text_in_text_controls() -> None:
    offenders = []
    for path in (UI / "views").rglob("*.py"):
        offenders += re.findall(r"ft\.Text\(\s*\"[A-Za-z][^\"]*\"", path.read_text())
    assert offenders == []


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (WrongPassphrase(), "Wrong passphrase."),
        (WrongPassphrase(remaining=2), "2 tries left"),
        (WrongPassphrase(remaining=1), "Wrong passphrase. 1 try left before"),
        (WrongPassphrase(remaining=0), "were erased"),
        (StoreLocked(), "locked"),
        (DiskFull("database"), "Storage full"),
        (VaultCorrupt("keyfile"), "damaged"),
        (HubUnreachable(), "No connection"),
        (Rejected(409), "409"),
        (AppError(), "Nothing was lost"),
    ],
)
def test_describe_gives_plain_words_for_each_error(
    error: AppError, expected: str
) -> None:
    assert expected in describe(error)


def test_field_errors_and_labels_fall_back_safely() -> None:
    assert field_error("bad_date") == "Use the form 2024-05-31 (year-month-day)."
    assert field_error("something_new") == "Check this value."
    assert field_error(None) is None
    assert enum_label("method", "direct_dialogue") == "Direct dialogue"
    assert enum_label("method", "") == ""

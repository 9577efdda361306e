"""The shared text rule: one definition, refusing control characters everywhere."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import Any, get_args, get_origin

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from models import RECORD_TYPES, RecordKind
from models.records import Commitment
from models.text import CONTROL_CODE, first_control, is_clean

REQUIRED: dict[RecordKind, dict[str, Any]] = {
    RecordKind.ACTOR: {"name": "Unit 4"},
    RecordKind.PLACE: {"name": "North gate"},
    RecordKind.CHECKPOINT: {
        "observed_at": dt.datetime(2024, 6, 1, tzinfo=dt.UTC),
        "entered_at": dt.datetime(2024, 6, 1, tzinfo=dt.UTC),
        "outcome": "delayed",
    },
    RecordKind.CONTACT: {"on": dt.date(2024, 6, 1)},
    RecordKind.FOLLOW_UP: {"title": "Call back", "contact_id": uuid.uuid4()},
    RecordKind.BRIEFING: {"text": "Go by the east road", "actor_id": uuid.uuid4()},
}


def _text_fields() -> list[tuple[RecordKind, str, bool]]:
    out = []
    for kind, model in RECORD_TYPES.items():
        for name, info in model.model_fields.items():
            if info.annotation is str:
                out.append((kind, name, False))
            elif get_origin(info.annotation) is list:
                inner = get_args(info.annotation)[0]
                if inner is str or get_args(inner)[:1] == (str,):
                    out.append((kind, name, True))
    return out


TEXT_FIELDS = _text_fields()


def test_every_record_type_has_its_text_fields_listed() -> None:
    names = {(k.value, n) for k, n, _ in TEXT_FIELDS}
    assert ("actor", "aliases") in names and ("contact", "notes") in names
    assert ("follow_up", "title") in names and ("checkpoint", "demands") in names


@pytest.mark.parametrize(
    ("kind", "field", "is_list"),
    TEXT_FIELDS,
    ids=[f"{k}.{f}" for k, f, _ in TEXT_FIELDS],
)
@pytest.mark.parametrize("bad", ["\x00", "\x1b", "\x7f", "\x9b", "\ud800"])
def test_every_text_field_of_every_record_refuses_control_characters(
    kind: RecordKind, field: str, is_list: bool, bad: str
) -> None:
    value = f"a{bad}b"
    doc = {**REQUIRED[kind], field: [value] if is_list else value}
    with pytest.raises(ValidationError) as caught:
        RECORD_TYPES[kind].model_validate(doc)
    # pydantic itself refuses lone surrogates (string_unicode) before our rule runs.
    assert caught.value.errors()[0]["type"] in {CONTROL_CODE, "string_unicode"}
    assert value not in str(caught.value)


def test_commitment_text_refuses_control_characters() -> None:
    with pytest.raises(ValidationError):
        Commitment(text="free\x00passage")


@given(st.text())
def test_clean_text_is_exactly_text_without_refused_characters(text: str) -> None:
    refused = [
        c
        for c in text
        if (ord(c) < 32 and c not in "\t\n")
        or 0x7F <= ord(c) <= 0x9F
        or 0xD800 <= ord(c) <= 0xDFFF
    ]
    assert is_clean(text) == (not refused)
    where = first_control(text)
    assert (where is None) == (not refused)
    if where is not None:
        assert text[where] == refused[0]

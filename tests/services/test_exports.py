"""Exports: CSV, JSON and the printable report, with redaction (acceptance 3)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest

from app.services import Services
from app.services.exports import FULL, SHAREABLE, ExportFormat, Redaction
from app.sync.exports import UNREPORTED_META
from models import Actor, CheckpointLog, Commitment, Contact, Coords, Place
from models.enums import (
    AccessConstraint,
    CheckpointOutcome,
    Compliance,
    Level,
    ProtectionIssue,
)

# Everything a redacted export must not hold: interlocutor details, exact
# places, exact dates and times, record ids.
ROLE = "MARKER-ROLE Colonel Zed"
PRIVATE = [
    ROLE,
    "MARKER-NOTE",
    "MARKER-ASK",
    "MARKER-OUTCOME",
    "MARKER-PROMISE",
    "MARKER-DEMAND",
    "MARKER-ITEMS",
    "MARKER-PLACE",
    "12.34",
    "45.67",
    "2026-03-17",
    "2026-03-18",
    "2026-03-20",
    "09:41",
]
AREA = "MARKER-AREA North district"
ACTOR = "Brigade 7"


@pytest.fixture
def recorded(services: Services) -> list[str]:
    """One actor, one place, a contact and a checkpoint log full of markers."""
    store = services._store
    actor = store.save(Actor(name=ACTOR))
    place = store.save(
        Place(name="MARKER-PLACE gate", area=AREA, coords=Coords(lat=12.34, lon=45.67))
    )
    contact = store.save(
        Contact(
            on=dt.date(2026, 3, 17),
            actor_id=actor.id,
            place_id=place.id,
            interlocutor_role=ROLE,
            level=Level.MID,
            issues=[ProtectionIssue.DETENTION],
            asks="MARKER-ASK release the drivers",
            outcome="MARKER-OUTCOME agreed to look",
            notes="MARKER-NOTE he said",
            commitments=[
                Commitment(
                    text="MARKER-PROMISE free passage",
                    due=dt.date(2026, 3, 20),
                    compliance=Compliance.KEPT,
                )
            ],
        )
    )
    moment = dt.datetime(2026, 3, 18, 9, 41, tzinfo=dt.UTC)
    log = store.save(
        CheckpointLog(
            observed_at=moment,
            entered_at=moment,
            actor_id=actor.id,
            place_id=place.id,
            outcome=CheckpointOutcome.DELAYED,
            delay_minutes=90,
            constraint=AccessConstraint.MOVEMENT_RESTRICTION,
            demands="MARKER-DEMAND papers",
            items_checked="MARKER-ITEMS boxes",
            notes="MARKER-NOTE again",
        )
    )
    assert services.wait_ready(10)
    return [str(contact.id), str(log.id)]


def _text(services: Services, fmt: ExportFormat, redaction: Redaction) -> str:
    return services.exports.export(fmt=fmt, redaction=redaction).data.decode("utf-8")


@pytest.mark.parametrize("fmt", list(ExportFormat))
def test_a_redacted_export_holds_no_interlocutor_detail_exact_place_or_date(
    services: Services, recorded: list[str], fmt: ExportFormat
) -> None:
    text = _text(services, fmt, SHAREABLE)
    for secret in [*PRIVATE, *recorded]:
        assert secret not in text, secret
    # What it keeps: the area, the ISO week, the actor, the codes.
    for kept in (AREA, "2026-W12", ACTOR, "detention", "90"):
        assert kept.lower() in text.lower(), kept


@pytest.mark.parametrize("fmt", list(ExportFormat))
def test_a_full_export_holds_every_field(
    services: Services, recorded: list[str], fmt: ExportFormat
) -> None:
    text = _text(services, fmt, FULL)
    for value in [ROLE, "MARKER-PROMISE", "MARKER-PLACE", "2026-03-17", AREA]:
        assert value in text, value


def test_each_redaction_removes_only_its_part(
    services: Services, recorded: list[str]
) -> None:
    people = Redaction("no_people", drop_people=True)
    text = _text(services, ExportFormat.CSV, people)
    assert ROLE not in text and "MARKER-NOTE" not in text
    assert "MARKER-PLACE" in text and "2026-03-17" in text
    places = Redaction("coarse_places", coarse_places=True)
    text = _text(services, ExportFormat.CSV, places)
    assert "MARKER-PLACE" not in text and "12.34" not in text and AREA in text
    assert ROLE in text and "2026-03-17" in text
    dates = Redaction("coarse_dates", coarse_dates=True)
    text = _text(services, ExportFormat.CSV, dates)
    assert "2026-03-17" not in text and "09:41" not in text and "2026-W12" in text


def test_a_redacted_export_counts_commitments_by_compliance(
    services: Services, recorded: list[str]
) -> None:
    data = _text(services, ExportFormat.JSON, SHAREABLE)
    contact = json.loads(data)["records"][0]
    assert contact["commitments"] == "kept 1"
    assert json.loads(data)["export"]["redacted"] is True


def test_csv_has_one_header_and_one_line_per_record(
    services: Services, recorded: list[str]
) -> None:
    made = services.exports.export(fmt=ExportFormat.CSV, redaction=FULL)
    assert made.data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.DictReader(io.StringIO(made.data.decode("utf-8-sig"))))
    assert [r["record"] for r in rows] == ["contact", "checkpoint"]
    assert rows[1]["access_constraint"] == "movement_restriction"
    assert made.name.endswith("-full.csv") and made.mime == "text/csv"


def test_csv_cells_that_look_like_formulas_are_quoted(services: Services) -> None:
    services._store.save(Contact(on=dt.date(2026, 1, 5), notes="=HYPERLINK(1)"))
    assert services.wait_ready(10)
    made = services.exports.export(fmt=ExportFormat.CSV, redaction=FULL)
    row = next(csv.DictReader(io.StringIO(made.data.decode("utf-8-sig"))))
    assert row["notes"] == "'=HYPERLINK(1)"


def test_the_printable_report_is_self_contained(
    services: Services, recorded: list[str]
) -> None:
    page = _text(services, ExportFormat.HTML, FULL)
    assert page.startswith("<!doctype html>")
    assert "<script" not in page and "://" not in page and "src=" not in page
    assert "default-src 'none'" in page
    assert "Movement restriction" in page  # by OCHA category, readable


def test_an_export_within_a_period_leaves_the_rest_out(
    services: Services, recorded: list[str]
) -> None:
    made = services.exports.export(
        fmt=ExportFormat.JSON,
        redaction=FULL,
        start=dt.date(2026, 3, 18),
        end=dt.date(2026, 3, 31),
    )
    records = json.loads(made.data)["records"]
    assert [r["record"] for r in records] == ["checkpoint"]
    assert made.report.records == 1 and made.report.checkpoints == 1


def test_every_export_is_recorded_and_queued_for_the_hub(
    services: Services, recorded: list[str]
) -> None:
    first = services.exports.export(fmt=ExportFormat.CSV, redaction=SHAREABLE)
    second = services.exports.export(fmt=ExportFormat.HTML, redaction=FULL)
    history = services.exports.history()
    assert [h.id for h in history] == [second.report.id, first.report.id]
    assert (history[1].profile, history[1].redacted) == ("shareable", True)
    assert (history[1].contacts, history[1].checkpoints) == (1, 1)
    queued = services._store.get_meta(UNREPORTED_META)
    assert [q["id"] for q in queued] == [first.report.id, second.report.id]
    assert "MARKER" not in json.dumps(queued)

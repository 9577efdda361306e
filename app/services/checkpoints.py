"""Checkpoint logs: the few-tap quick log, then completion with details later."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field

from app.errors import RecordNotFound, ValidationFailed
from app.readmodel import Option, ReadModel
from app.services.authority import ensure_may_write
from app.services.validation import (
    build,
    optional_id,
    parse_datetime,
    parse_id,
    parse_minutes,
    parse_seen,
)
from app.store import Store
from models import Actor, CheckpointLog, Place
from models.enums import CheckpointOutcome, LogStatus

__all__ = [
    "RECENT",
    "CheckpointForm",
    "CheckpointService",
    "QuickChoices",
    "local_stamp",
]

RECENT = 6


def local_stamp(moment: dt.datetime) -> str:
    """A datetime as the form shows it: local time, to the minute."""
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


@dataclass(frozen=True, slots=True)
class QuickChoices:
    """Chips offered by the quick log: most recently used first."""

    places: list[Option] = field(default_factory=list)
    actors: list[Option] = field(default_factory=list)


@dataclass
class CheckpointForm:
    """What the checkpoint form edits, as typed."""

    id: str = ""
    place_id: str = ""
    actor_id: str = ""
    observed_at: str = ""
    outcome: str = ""
    delay_minutes: str = ""
    demands: str = ""
    items_checked: str = ""
    notes: str = ""
    constraint: str = ""
    complete: bool = False
    # The revisions this form was opened on (see ContactForm.seen).
    seen: str = ""


def _recent(ids: list[uuid.UUID], options: list[Option]) -> list[Option]:
    """Every option, the recently used ones first (most recent first)."""
    by_id = {o.id: o for o in options}
    chosen: dict[str, Option] = {}
    for raw in ids:
        key = str(raw)
        if key in by_id:
            chosen.setdefault(key, by_id[key])
    for option in options:
        chosen.setdefault(option.id, option)
    return list(chosen.values())


class CheckpointService:
    """Log checkpoint crossings."""

    def __init__(
        self,
        store: Store,
        model: ReadModel,
        *,
        now: type[dt.datetime] = dt.datetime,
    ) -> None:
        self._store = store
        self._model = model
        self._now = now

    def quick_choices(self, limit: int = RECENT) -> QuickChoices:
        """Every place and actor for the quick log, the ``limit`` most recently
        used first (the screen shows the first few; typing finds the others, so
        a name typed there is never taken for a new one)."""
        model = self._model
        places = [Option(str(p.id), p.name) for p in model.named(Place)]
        actors = [
            Option(str(a.id), a.name, tuple(a.aliases))
            for a in model.named(Actor)
            if a.merged_into is None  # merged away: its names are the kept one's
        ]
        return QuickChoices(
            places=_recent(model.last_used("place_id", limit=limit), places),
            actors=_recent(model.last_used("actor_id", limit=limit), actors),
        )

    def quick_save(
        self,
        *,
        outcome: str,
        observed_at: dt.datetime,
        place_id: str = "",
        actor_id: str = "",
    ) -> str:
        """Save a draft log from the quick screen; returns its id.

        Raises:
            ValidationFailed: when no outcome was chosen.
        """
        if not outcome:
            raise ValidationFailed({"outcome": "required"})
        log = build(
            CheckpointLog,
            place_id=optional_id(place_id),
            actor_id=optional_id(actor_id),
            observed_at=observed_at,
            entered_at=self._now.now(dt.UTC),
            outcome=outcome,
            status=LogStatus.DRAFT,
        )
        return str(self._store.save(log).id)

    def new_form(self) -> CheckpointForm:
        """A blank form observed now."""
        return CheckpointForm(observed_at=local_stamp(self._now.now(dt.UTC)))

    def form(self, log_id: str) -> CheckpointForm:
        """The form for an existing log.

        Raises:
            RecordNotFound: if there is no such log.
        """
        log = self._get(log_id)
        entry = self._model.entry(log.id)
        return CheckpointForm(
            id=str(log.id),
            seen=",".join(str(h) for h in entry.heads) if entry else "",
            place_id=str(log.place_id or ""),
            actor_id=str(log.actor_id or ""),
            observed_at=local_stamp(log.observed_at),
            outcome=log.outcome.value,
            delay_minutes="" if log.delay_minutes is None else str(log.delay_minutes),
            demands=log.demands,
            items_checked=log.items_checked,
            notes=log.notes,
            constraint=log.constraint.value if log.constraint else "",
            complete=log.status is LogStatus.COMPLETE,
        )

    def save(self, form: CheckpointForm) -> str:
        """Validate and save a log (a new revision when editing); returns its id.

        Raises:
            ValidationFailed: with field codes when the input breaks a rule.
        """
        errors: dict[str, str] = {}
        observed = parse_datetime(form.observed_at, "observed_at", errors)
        delay = parse_minutes(form.delay_minutes, "delay_minutes", errors)
        if not form.outcome:
            errors["outcome"] = "required"
        elif form.outcome == CheckpointOutcome.PASSED.value and form.constraint:
            errors["constraint"] = "free_crossing"
        if errors:
            raise ValidationFailed(errors)
        base = self._get(form.id) if form.id else None
        if base is not None and form.observed_at.strip() == local_stamp(
            base.observed_at
        ):
            # The form shows minutes only: an untouched time keeps its seconds.
            observed = base.observed_at
        fields = {
            "place_id": optional_id(form.place_id),
            "actor_id": optional_id(form.actor_id),
            "observed_at": observed,
            "entered_at": base.entered_at if base else self._now.now(dt.UTC),
            "outcome": form.outcome,
            "delay_minutes": delay,
            "demands": form.demands,
            "items_checked": form.items_checked,
            "notes": form.notes,
            "constraint": form.constraint or None,
            "status": LogStatus.COMPLETE if form.complete else LogStatus.DRAFT,
        }
        kept = base.model_dump(exclude=set(fields)) if base else {}
        log = build(CheckpointLog, **(kept | fields))
        if base is not None:
            ensure_may_write(self._store, base, log)
        seen = parse_seen(form.seen) if form.id else None
        return str(self._store.save(log, parents=seen or None).id)

    def _get(self, log_id: str) -> CheckpointLog:
        log = self._model.record(CheckpointLog, parse_id(log_id))
        if log is None:
            raise RecordNotFound()
        return log

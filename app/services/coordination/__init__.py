"""Coordination over every team's records: the overview, actor profiles,
duplicate actors and their merge, de-confliction alerts, the access report.

Everything is computed from the session's read model (decrypted on this device
only) through :class:`~app.services.coordination.facts.FactSource`, once per
read-model version; the answers of one version are cached.
"""

from __future__ import annotations

import datetime as dt
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from app.errors import RecordNotFound, ValidationFailed
from app.readmodel import ReadModel, RecordRow
from app.services.briefings import briefings_on
from app.services.coordination.access import AccessReport, build_access
from app.services.coordination.alerts import Alert, AlertSettings, build_alerts
from app.services.coordination.duplicates import Suggestion, suggest
from app.services.coordination.facts import FactSource
from app.services.coordination.overview import (
    MonthCount,
    Overview,
    OverviewFilter,
    build_overview,
    delays_by_month,
    matches,
)
from app.services.coordination.profile import ActorProfile, build_profile
from app.services.validation import build, parse_date, parse_id, require
from app.store import Store
from app.sync.identity import load_identity
from app.sync.sealing import directory_certificates
from models import Actor, Briefing, CheckpointLog, Contact, FollowUp
from models.enums import Role

__all__ = [
    "AccessReport",
    "ActorProfile",
    "Alert",
    "AlertSettings",
    "CoordinationService",
    "MonthCount",
    "Overview",
    "OverviewFilter",
    "Suggestion",
]


class CoordinationService:
    """The coordinator's questions, answered from the read model."""

    def __init__(
        self,
        store: Store,
        model: ReadModel,
        *,
        today: Callable[[], dt.date] = dt.date.today,
    ) -> None:
        self._store = store
        self._model = model
        self._facts = FactSource(model)
        self._today = today
        self._lock = threading.Lock()
        self._cache: dict[Any, tuple[int, Any]] = {}

    def _cached(self, key: Any, make: Callable[[], Any]) -> Any:
        facts = self._facts.get()
        with self._lock:
            hit = self._cache.get(key)
            if hit is not None and hit[0] == facts.version:
                return hit[1]
        value = make()
        with self._lock:
            self._cache[key] = (facts.version, value)
        return value

    @property
    def allowed(self) -> bool:
        """True on a device enrolled as a coordinator."""
        identity = load_identity(self._store)
        return identity is not None and identity.coordinator

    # -- the overview ------------------------------------------------------------------

    def overview(self, flt: OverviewFilter | None = None) -> Overview:
        """Actors against teams under ``flt``."""
        flt = flt or OverviewFilter()
        result: Overview = self._cached(
            ("overview", flt), lambda: build_overview(self._facts.get(), flt)
        )
        return result

    def delays(self, flt: OverviewFilter | None = None) -> list[MonthCount]:
        """Checkpoint delays and hindered crossings per month."""
        flt = flt or OverviewFilter()
        found: list[MonthCount] = self._cached(
            ("delays", flt), lambda: delays_by_month(self._facts.get(), flt)
        )
        return found

    def cell_rows(
        self, actor_id: str, team: str, flt: OverviewFilter | None = None
    ) -> list[RecordRow]:
        """The contacts behind one cell of the overview, newest first."""
        facts, flt = self._facts.get(), flt or OverviewFilter()
        actor = uuid.UUID(actor_id) if actor_id else None
        ids = [
            c.id
            for c in facts.by_actor.get(actor, [])
            if c.team == team and matches(c, flt, facts)
        ]
        rows = [row for row in map(self._model.row, reversed(ids)) if row]
        return rows

    # -- one actor --------------------------------------------------------------------

    def profile(self, actor_id: str) -> ActorProfile:
        """Everything about one actor across teams.

        Raises:
            RecordNotFound: no such actor.
        """
        found = build_profile(
            self._facts.get(),
            parse_id(actor_id),
            today=self._today(),
            kinds=(Contact.kind.value, CheckpointLog.kind.value),
        )
        if found is None:
            raise RecordNotFound()
        return found

    def rows(self, ids: list[uuid.UUID]) -> list[RecordRow]:
        """List rows of records, in the order given (those still here)."""
        return [row for row in map(self._model.row, ids) if row]

    # -- duplicates and merging -------------------------------------------------------

    def duplicates(self) -> list[Suggestion]:
        """Pairs of actors that may be one, strongest first."""
        found: list[Suggestion] = self._cached(
            "duplicates", lambda: suggest(list(self._facts.get().actors.values()))
        )
        return found

    def merge(self, *, keep: str, drop: str) -> str:
        """Merge ``drop`` into ``keep``: ``drop`` points at ``keep`` and its names
        become ``keep``'s aliases. Both saves sync through the registry, so every
        device follows the pointer. Returns ``keep``'s id.

        Raises:
            ValidationFailed: ``merge``: ``coordinator_only``, ``same_actor``,
                ``already_merged``.
            RecordNotFound: either actor is gone.
        """
        if not self.allowed:
            raise ValidationFailed({"merge": "coordinator_only"})
        kept, dropped = self._actor(keep), self._actor(drop)
        if kept.id == dropped.id:
            raise ValidationFailed({"merge": "same_actor"})
        if dropped.merged_into is not None or kept.merged_into is not None:
            raise ValidationFailed({"merge": "already_merged"})
        aliases = [*kept.aliases]
        for name in (dropped.name, *dropped.aliases):
            if name.casefold() != kept.name.casefold():
                aliases.append(name)
        kept_fields = kept.model_dump(exclude={"aliases"})
        self._store.save(build(Actor, **kept_fields, aliases=aliases))
        drop_fields = dropped.model_dump(exclude={"merged_into"})
        self._store.save(build(Actor, **drop_fields, merged_into=kept.id))
        return str(kept.id)

    def _actor(self, actor_id: str) -> Actor:
        found = self._model.record(Actor, parse_id(actor_id))
        if found is None:
            raise RecordNotFound()
        return found

    # -- briefings and follow-ups for the teams ---------------------------------------

    def field_teams(self) -> list[str]:
        """The teams a briefing or a follow-up can go to: every field team in the
        hub's device directory, and every team with records here."""
        identity = load_identity(self._store)
        teams = {c.team for c in self._facts.get().contacts}
        if identity is not None:
            certs = directory_certificates(self._store, identity, now_ms=_now_ms())
            teams |= {c.team for c in certs if c.role != Role.COORDINATOR.value}
        return sorted(t for t in teams if t)

    def briefing(self, actor_id: str) -> str:
        """The "before you go" note last sent on an actor (``""``: none)."""
        found = briefings_on(self._model, self._actor(actor_id).id)
        return found[0].text if found else ""

    def brief(self, *, actor_id: str, text: str) -> list[str]:
        """Send a "before you go" note on an actor to every field team: one
        briefing per team, sealed to it (an empty text withdraws the note).
        Returns the teams it went to.

        Raises:
            ValidationFailed: ``brief``: ``coordinator_only``, ``no_team``;
                ``text``: ``required`` (nothing to withdraw) or a length code.
            RecordNotFound: no such actor.
        """
        if not self.allowed:
            raise ValidationFailed({"brief": "coordinator_only"})
        actor = self._actor(actor_id)
        sent: dict[str, list[Briefing]] = {}
        for found in briefings_on(self._model, actor.id):  # newest first
            sent.setdefault(found.team, []).append(found)
        text = text.strip()
        if not text and not sent:
            raise ValidationFailed({"text": "required"})
        teams = sorted(set(self.field_teams()) | set(sent))
        if not teams:
            raise ValidationFailed({"brief": "no_team"})
        saves = []
        for team in teams:
            newest, *older = sent.get(team) or [Briefing(team=team)]
            saves.append(_rewritten(newest, actor_id=actor.id, text=text))
            # Two notes for one team (from entries merged since): one is kept.
            saves += [_rewritten(b, actor_id=b.actor_id, text="") for b in older]
        for note in saves:
            self._store.save(note)
        return teams

    def assign(self, *, actor_id: str, team: str, title: str, due: str = "") -> str:
        """Assign a follow-up on an actor to one team; it travels sealed to that
        team's devices. Returns its id.

        Raises:
            ValidationFailed: ``assign``: ``coordinator_only``; ``team``:
                ``bad_choice``; ``title``: ``required``; ``due``: a date code.
            RecordNotFound: no such actor.
        """
        if not self.allowed:
            raise ValidationFailed({"assign": "coordinator_only"})
        actor = self._actor(actor_id)
        errors: dict[str, str] = {}
        if team not in self.field_teams():
            errors["team"] = "bad_choice"
        require(errors, "title", title)
        day = parse_date(due, "due", errors)
        if errors:
            raise ValidationFailed(errors)
        task = build(
            FollowUp, actor_id=actor.id, team=team, title=title.strip(), due=day
        )
        return str(self._store.save(task).id)

    # -- alerts and the access report ------------------------------------------------

    def alerts(self, settings: AlertSettings | None = None) -> list[Alert]:
        """Every de-confliction alert, newest first."""
        s = settings or AlertSettings()
        found: list[Alert] = self._cached(
            ("alerts", s), lambda: build_alerts(self._facts.get(), s)
        )
        return found

    def access(
        self, *, start: dt.date | None = None, end: dt.date | None = None
    ) -> AccessReport:
        """Checkpoint logs that were not free crossings, counted four ways."""
        report: AccessReport = self._cached(
            ("access", start, end),
            lambda: build_access(self._facts.get(), start=start, end=end),
        )
        return report

    def record_count(self, actor_id: uuid.UUID) -> int:
        """Contacts and checkpoint logs with an actor (merges followed)."""
        facts = self._facts.get()
        return len(facts.by_actor.get(actor_id, ())) + len(
            facts.logs_by_actor.get(actor_id, ())
        )

    def actor_name(self, actor_id: uuid.UUID | None) -> str:
        """The name of the actor an id stands for (merges followed), or ``""``."""
        actor = self._facts.get().actor(actor_id)
        return actor.name if actor else ""


def _rewritten(base: Briefing, *, actor_id: uuid.UUID | None, text: str) -> Briefing:
    """A new revision of ``base`` (or a first one) with this actor and text.

    Raises:
        ValidationFailed: ``text`` too long or holding a control character.
    """
    fields = base.model_dump(exclude={"text", "actor_id"})
    return build(Briefing, **fields, actor_id=actor_id, text=text)


def _now_ms() -> int:
    return int(time.time() * 1000)

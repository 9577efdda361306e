"""Coordination over every team's records: the overview, actor profiles,
duplicate actors and their merge, de-confliction alerts, the access report.

Everything is computed from the session's read model (decrypted on this device
only) through :class:`~app.services.coordination.facts.FactSource`, once per
read-model version; the answers of one version are cached.
"""

from __future__ import annotations

import datetime as dt
import threading
import uuid
from collections.abc import Callable
from typing import Any

from app.errors import RecordNotFound, ValidationFailed
from app.readmodel import ReadModel, RecordRow
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
from app.services.validation import build, parse_id
from app.store import Store
from app.sync.identity import load_identity
from models import Actor, CheckpointLog, Contact

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

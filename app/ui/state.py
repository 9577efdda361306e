"""Typed UI state of one unlocked session: what screens remember between visits.

Dropped on lock (the shell makes a fresh :class:`SessionState`), like every
decrypted view. Nothing here is written to disk.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from app.services.guidance import ConsultTarget

__all__ = ["CoordState", "GuideState", "RecordsState", "SessionState"]

#: Steps kept in the guide's back trail.
TRAIL_LIMIT = 50


@dataclass
class RecordsState:
    """The records list's search and filters, as typed."""

    text: str = ""
    kinds: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    actor: str = ""
    date_from: str = ""
    date_to: str = ""

    @property
    def filtering(self) -> bool:
        """True when a filter other than the search words is set."""
        return bool(
            self.kinds or self.statuses or self.actor or self.date_from or self.date_to
        )


@dataclass
class GuideState:
    """The guide's search, back trail, picker answers, and the contact being read for.

    ``trail`` holds the locations Back retraces while the reader stays in the
    guide; ``consult`` the contact form the reading started from, so a card can be
    marked as consulted on it. Both are forgotten once the reader leaves the guide.
    """

    query: str = ""
    trail: list[str] = field(default_factory=list)
    consult: ConsultTarget | None = None
    answers: dict[str, str] = field(default_factory=dict)
    step: int = 0

    def leave(self) -> None:
        """The reader went elsewhere: no trail, no contact to mark."""
        self.trail.clear()
        self.consult = None

    def push(self, location: str) -> None:
        """Remember ``location`` to come back to."""
        self.trail.append(location)
        del self.trail[:-TRAIL_LIMIT]


@dataclass
class CoordState:
    """The coordination screens' filters (codes; ``""`` for any)."""

    period: str = ""  # "", "30", "90", "365": the last N days
    actor_type: str = ""
    issue: str = ""
    method: str = ""


@dataclass
class SessionState:
    """Everything screens of one session remember; a new one after each lock."""

    records: RecordsState = field(default_factory=RecordsState)
    guide: GuideState = field(default_factory=GuideState)
    coord: CoordState = field(default_factory=CoordState)

"""The actor registry: list, search by name or alias, add and edit, the actor page."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from app.errors import RecordNotFound, ValidationFailed
from app.readmodel import Option, ReadModel, RecordRow
from app.services.authority import ensure_may_write
from app.services.briefings import BriefingNote, notes_on
from app.services.validation import build, optional_id, parse_id, require
from app.store import Store
from models import Actor
from models.enums import ActorType

__all__ = ["ActorForm", "ActorPage", "ActorRow", "ActorService"]


@dataclass(frozen=True, slots=True)
class ActorRow:
    """One actor in the registry list. ``matched_alias`` tells why a search hit."""

    id: str
    name: str
    actor_type: str
    area: str
    aliases: tuple[str, ...] = ()
    matched_alias: str = ""


@dataclass
class ActorForm:
    """What the actor form edits, as typed. Aliases are one per line."""

    id: str = ""
    name: str = ""
    aliases: str = ""
    actor_type: str = "other"
    parent_id: str = ""
    area: str = ""
    influence: str = ""
    stance: str = ""
    notes: str = ""


@dataclass(frozen=True, slots=True)
class ActorPage:
    """An actor with every checkpoint log and contact involving it, newest first."""

    form: ActorForm
    parent_name: str
    timeline: list[RecordRow] = field(default_factory=list)
    # "Before you go": what the coordinators sent this team about the actor.
    briefings: list[BriefingNote] = field(default_factory=list)


def split_aliases(text: str) -> list[str]:
    """Aliases typed one per line or separated by commas."""
    # Only newline and comma separate: other line breaks are refused like any
    # control character, never silently turned into extra aliases.
    parts = text.replace(",", "\n").split("\n")
    return [p.strip() for p in parts if p.strip()]


def _match(actor: Actor, needle: str) -> tuple[bool, str]:
    if not needle or needle in actor.name.casefold() or needle in actor.area.casefold():
        return True, ""
    for alias in actor.aliases:
        if needle in alias.casefold():
            return True, alias
    return False, ""


class ActorService:
    """The registry of armed actors."""

    def __init__(self, store: Store, model: ReadModel) -> None:
        self._store = store
        self._model = model

    def search(self, query: str = "") -> list[ActorRow]:
        """Actors matching ``query`` in name, alias or area (any case), by name."""
        needle = query.strip().casefold()
        rows: list[ActorRow] = []
        for actor in self._model.named(Actor):
            hit, alias = _match(actor, needle)
            if hit:
                rows.append(
                    ActorRow(
                        id=str(actor.id),
                        name=actor.name,
                        actor_type=actor.actor_type.value,
                        area=actor.area,
                        aliases=tuple(actor.aliases),
                        matched_alias=alias,
                    )
                )
        return rows

    def options(self, *, merged: bool = False) -> list[Option]:
        """Every actor as a pickable option (with its aliases, to find it by).

        An entry a coordinator merged into another is left out unless ``merged``
        (a filter over old records still names it): its names are the kept
        entry's aliases, so typing them finds the kept one.
        """
        return [
            Option(str(a.id), a.name, tuple(a.aliases))
            for a in self._model.named(Actor)
            if merged or a.merged_into is None
        ]

    def find_or_create(self, name: str, actor_type: str = "other") -> str:
        """The id of the actor called ``name`` (name or alias, any case), creating
        it with ``actor_type`` when there is none: what a form's "Add actor" does.

        Raises:
            ValidationFailed: when the name is empty or ``actor_type`` unknown.
        """
        for option in self.options():
            if option.called(name):
                return option.id
        if actor_type not in {t.value for t in ActorType}:
            raise ValidationFailed({"actor_type": "bad_choice"})
        return self.save(ActorForm(name=name, actor_type=actor_type))

    def parent_options(self, actor_id: str = "") -> list[Option]:
        """Actors that may be the parent of ``actor_id`` (not itself, no loops)."""
        actors = self._model.named(Actor)
        if not actor_id:
            return [Option(str(a.id), a.name) for a in actors]
        me = parse_id(actor_id)
        parents = {a.id: a.parent_id for a in actors}
        banned = {me}
        for actor in actors:
            cursor: uuid.UUID | None = actor.id
            seen: set[uuid.UUID] = set()
            while cursor is not None and cursor not in seen:
                seen.add(cursor)
                if cursor == me:
                    banned.add(actor.id)
                    break
                cursor = parents.get(cursor)
        return [Option(str(a.id), a.name) for a in actors if a.id not in banned]

    def form(self, actor_id: str) -> ActorForm:
        """The form for an existing actor.

        Raises:
            RecordNotFound: if there is no such actor.
        """
        return _to_form(self._get(actor_id))

    def save(self, form: ActorForm) -> str:
        """Validate and save an actor (a new revision when editing); returns its id.

        Raises:
            ValidationFailed: with field codes when the input breaks a rule.
            NotAllowed: renaming another team's actor needs a coordinator.
        """
        errors: dict[str, str] = {}
        require(errors, "name", form.name)
        parent = optional_id(form.parent_id)
        if parent is not None and form.id and str(parent) == form.id:
            errors["parent_id"] = "invalid"
        if errors:
            raise ValidationFailed(errors)
        fields = {
            "name": form.name.strip(),
            "aliases": split_aliases(form.aliases),
            "actor_type": form.actor_type or "other",
            "parent_id": parent,
            "area": form.area.strip(),
            "influence": form.influence or None,
            "stance": form.stance or None,
            "notes": form.notes,
        }
        if form.id:
            held = self._get(form.id)
            actor = build(Actor, **(held.model_dump(exclude=set(fields)) | fields))
            ensure_may_write(self._store, held, actor)
            return str(self._store.save(actor).id)
        return str(self._store.save(build(Actor, **fields)).id)

    def page(self, actor_id: str) -> ActorPage:
        """The actor page: details and every log and contact with it, newest first."""
        actor = self._get(actor_id)
        involved = self._model.rows_referring("actor_id", actor.id)
        return ActorPage(
            _to_form(actor),
            self._model.name_of(actor.parent_id),
            involved,
            notes_on(self._model, actor.id),
        )

    def briefings(self, actor_id: str) -> list[BriefingNote]:
        """The "before you go" notes on an actor (merges followed), newest first;
        none for an empty or unknown id (a form with no actor picked yet)."""
        try:
            target = optional_id(actor_id)
        except RecordNotFound:
            return []
        found = self._model.record(Actor, target) if target else None
        return notes_on(self._model, found.id) if found else []

    def _get(self, actor_id: str) -> Actor:
        actor = self._model.record(Actor, parse_id(actor_id))
        if actor is None:
            raise RecordNotFound()
        return actor


def _to_form(actor: Actor) -> ActorForm:
    return ActorForm(
        id=str(actor.id),
        name=actor.name,
        aliases="\n".join(actor.aliases),
        actor_type=actor.actor_type.value,
        parent_id=str(actor.parent_id) if actor.parent_id else "",
        area=actor.area,
        influence=actor.influence.value if actor.influence else "",
        stance=actor.stance.value if actor.stance else "",
        notes=actor.notes,
    )

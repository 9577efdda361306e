"""Contact records: the full Contact with commitments and linked follow-ups."""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

from app.errors import RecordNotFound, ValidationFailed
from app.readmodel import ReadModel, RecordFilter, RecordRow
from app.services.authority import ensure_may_write
from app.services.validation import (
    build,
    check_clean,
    optional_id,
    parse_date,
    parse_id,
    parse_seen,
)
from app.store import Store
from models import Commitment, Contact, FollowUp, SyncedRecord
from models.enums import ContactStatus
from models.text import NAME_MAX, TEXT_MAX

__all__ = ["ContactForm", "ContactService", "is_empty"]


@dataclass
class ContactForm:
    """What the contact form edits, as typed.

    A form that says nothing (:func:`is_empty`) is refused.
    ``commitments`` rows are ``{"text", "due", "compliance"}``; ``follow_ups`` rows are
    ``{"id", "title", "due", "status"}``. All values are strings, so a draft of a
    half-filled form can be stored and restored exactly.
    """

    id: str = ""
    on: str = ""
    status: str = ContactStatus.DONE.value
    contact_kind: str = "bilateral"
    actor_id: str = ""
    place_id: str = ""
    interlocutor_role: str = ""
    level: str = ""
    methods: list[str] = field(default_factory=list)
    approaches: list[str] = field(default_factory=list)
    issues: list[str] = field(default_factory=list)
    asks: str = ""
    commitments: list[dict[str, str]] = field(default_factory=list)
    outcome: str = ""
    risks: list[str] = field(default_factory=list)
    sensitivity: str = "normal"
    cards: list[str] = field(default_factory=list)
    notes: str = ""
    follow_ups: list[dict[str, str]] = field(default_factory=list)
    # Saved as a draft to finish later, or final.
    draft: bool = False
    # The revisions this form was opened on: saving names them as parents, so an
    # edit made elsewhere in between shows as a conflict instead of being lost.
    seen: str = ""


def _blank(row: dict[str, str], *keys: str) -> bool:
    return all(not row.get(k, "").strip() for k in keys)


def _commitments(form: ContactForm, errors: dict[str, str]) -> list[Commitment]:
    out: list[Commitment] = []
    for i, row in enumerate(form.commitments):
        if _blank(row, "text", "due"):
            continue
        due = parse_date(row.get("due", ""), f"commitment_due:{i}", errors)
        check_clean(errors, f"commitment_text:{i}", row.get("text", ""))
        if len(row.get("text", "").strip()) > TEXT_MAX:
            errors.setdefault(f"commitment_text:{i}", "too_long")
        if not row.get("text", "").strip():
            errors.setdefault(f"commitment_text:{i}", "required")
        if f"commitment_text:{i}" in errors:
            continue
        out.append(
            build(
                Commitment,
                text=row["text"].strip(),
                due=due,
                compliance=row.get("compliance") or "pending",
            )
        )
    return out


def _follow_up_rows(form: ContactForm, errors: dict[str, str]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for i, row in enumerate(form.follow_ups):
        if _blank(row, "title", "due"):
            continue
        due = parse_date(row.get("due", ""), f"follow_up_due:{i}", errors)
        check_clean(errors, f"follow_up_title:{i}", row.get("title", ""))
        if len(row.get("title", "").strip()) > NAME_MAX:
            errors.setdefault(f"follow_up_title:{i}", "too_long")
        if not row.get("title", "").strip():
            errors.setdefault(f"follow_up_title:{i}", "required")
        if f"follow_up_title:{i}" in errors:
            continue
        rows.append(
            {
                "id": row.get("id", ""),
                "title": row["title"].strip(),
                "due": due,
                "status": row.get("status") or "open",
            }
        )
    return rows


def is_empty(form: ContactForm) -> bool:
    """True when the form says nothing beyond its date, status and setting:
    no one met, nowhere, nothing raised, asked, agreed, flagged or noted."""
    texts = (form.interlocutor_role, form.asks, form.outcome, form.notes)
    rows = [*form.commitments, *form.follow_ups]
    return not (
        form.actor_id.strip()
        or form.place_id.strip()
        or any(x.strip() for x in texts)
        or form.level
        or form.methods
        or form.approaches
        or form.issues
        or form.risks
        or form.cards
        or any(not _blank(r, "text", "title", "due") for r in rows)
    )


class ContactService:
    """Record, plan and complete contacts."""

    def __init__(
        self, store: Store, model: ReadModel, *, today: type[dt.date] = dt.date
    ) -> None:
        self._store = store
        self._model = model
        self._today = today

    def new_form(self, *, planned: bool = False) -> ContactForm:
        """A blank form dated today (planned or done)."""
        status = ContactStatus.PLANNED if planned else ContactStatus.DONE
        return ContactForm(on=self._today.today().isoformat(), status=status.value)

    def form(self, contact_id: str) -> ContactForm:
        """The form for an existing contact, with its follow-ups.

        Raises:
            RecordNotFound: if there is no such contact.
        """
        contact = self._get(contact_id)
        follow_ups = [
            {
                "id": str(f.id),
                "title": f.title,
                "due": f.due.isoformat() if f.due else "",
                "status": f.status.value,
            }
            for f in self._follow_ups(contact.id)
        ]
        return ContactForm(
            id=str(contact.id),
            seen=self._seen(contact.id),
            on=contact.on.isoformat(),
            status=contact.status.value,
            contact_kind=contact.contact_kind.value,
            actor_id=str(contact.actor_id or ""),
            place_id=str(contact.place_id or ""),
            interlocutor_role=contact.interlocutor_role,
            level=contact.level.value if contact.level else "",
            methods=[m.value for m in contact.methods],
            approaches=[a.value for a in contact.approaches],
            issues=[i.value for i in contact.issues],
            asks=contact.asks,
            commitments=[
                {
                    "text": c.text,
                    "due": c.due.isoformat() if c.due else "",
                    "compliance": c.compliance.value,
                }
                for c in contact.commitments
            ],
            outcome=contact.outcome,
            risks=[r.value for r in contact.risks],
            sensitivity=contact.sensitivity.value,
            cards=list(contact.cards),
            notes=contact.notes,
            follow_ups=follow_ups,
            draft=contact.draft,
        )

    def save(self, form: ContactForm) -> str:
        """Validate and save a contact and its follow-ups in one transaction.

        Follow-up rows removed from the form are deleted (tombstones).

        Raises:
            ValidationFailed: with field codes (``commitment_text:0``...) on bad input.
        """
        errors: dict[str, str] = {}
        on = parse_date(form.on, "on", errors, required=True)
        if not form.contact_kind:
            errors["contact_kind"] = "required"
        if is_empty(form):
            errors["form"] = "empty_contact"
        commitments = _commitments(form, errors)
        follow_rows = _follow_up_rows(form, errors)
        if errors:
            raise ValidationFailed(errors)
        base = self._get(form.id) if form.id else None
        fields = self._fields(form, on, commitments)
        kept = base.model_dump(exclude=set(fields)) if base else {}
        contact = build(Contact, **(kept | fields))
        if base is not None:
            ensure_may_write(self._store, base, contact)
        batch: list[SyncedRecord] = [contact]
        batch.extend(self._follow_up_batch(contact, follow_rows))
        seen = parse_seen(form.seen) if form.id else None
        self._store.save_many(batch, parents={contact.id: seen} if seen else None)
        return str(contact.id)

    def _fields(
        self, form: ContactForm, on: dt.date | None, commitments: list[Commitment]
    ) -> dict[str, Any]:
        return {
            "on": on,
            "status": form.status or ContactStatus.DONE.value,
            "contact_kind": form.contact_kind or "other",
            "actor_id": optional_id(form.actor_id),
            "place_id": optional_id(form.place_id),
            "interlocutor_role": form.interlocutor_role.strip(),
            "level": form.level or None,
            "methods": list(form.methods),
            "approaches": list(form.approaches),
            "issues": list(form.issues),
            "asks": form.asks,
            "commitments": commitments,
            "outcome": form.outcome,
            "risks": list(form.risks),
            "sensitivity": form.sensitivity or "normal",
            "cards": list(form.cards),
            "notes": form.notes,
            "draft": form.draft,
        }

    def _follow_up_batch(
        self, contact: Contact, rows: list[dict[str, Any]]
    ) -> list[SyncedRecord]:
        existing = {str(f.id): f for f in self._follow_ups(contact.id)}
        batch: list[SyncedRecord] = []
        for row in rows:
            fields = {
                "contact_id": contact.id,
                "actor_id": contact.actor_id,
                "title": row["title"],
                "due": row["due"],
                "status": row["status"],
            }
            old = existing.pop(row["id"], None)
            kept = old.model_dump(exclude=set(fields)) if old else {}
            batch.append(build(FollowUp, **(kept | fields)))
        batch.extend(f.model_copy(update={"deleted": True}) for f in existing.values())
        return batch

    def mark_done(self, contact_id: str) -> None:
        """Turn a planned contact into a done one (dated today if planned later)."""
        contact = self._get(contact_id)
        today = self._today.today()
        update: dict[str, Any] = {"status": ContactStatus.DONE}
        if contact.on > today:
            update["on"] = today
        done = contact.model_copy(update=update)
        ensure_may_write(self._store, contact, done)
        self._store.save(done)

    def upcoming(self) -> list[RecordRow]:
        """Planned contacts, soonest first."""
        planned = RecordFilter(
            kinds=frozenset({Contact.kind.value}),
            statuses=frozenset({ContactStatus.PLANNED.value}),
        )
        return sorted(self._model.rows(planned).rows, key=lambda row: row.when)

    def _follow_ups(self, contact_id: uuid.UUID) -> list[FollowUp]:
        found = self._model.referring("contact_id", contact_id, FollowUp)
        return sorted(found, key=lambda f: (f.due or dt.date.max, f.title.casefold()))

    def _seen(self, contact_id: uuid.UUID) -> str:
        entry = self._model.entry(contact_id)
        return ",".join(str(h) for h in entry.heads) if entry else ""

    def _get(self, contact_id: str) -> Contact:
        contact = self._model.record(Contact, parse_id(contact_id))
        if contact is None:
            raise RecordNotFound()
        return contact

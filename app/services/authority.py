"""The shared write rules (:mod:`models.authority`) checked before saving, so the
app says so instead of sending something the hub and other devices will refuse."""

from __future__ import annotations

from app.errors import NotAllowed
from app.store import Store
from app.sync import load_identity
from models import RECORD_TYPES, SyncedRecord
from models.authority import GUARDED_FIELDS, Writer, entry_refusal, record_refusal

__all__ = ["ensure_may_write", "this_writer"]


def this_writer(store: Store) -> Writer | None:
    """This device as its certificate says (``None``: not enrolled, nothing syncs)."""
    identity = load_identity(store)
    if identity is None:
        return None
    return Writer(identity.device, identity.team, identity.role)


def ensure_may_write(store: Store, held: SyncedRecord, new: SyncedRecord) -> None:
    """Raise :class:`NotAllowed` when this device may not turn ``held`` into ``new``.

    A registry entry's name, deletion or merge are checked against the team that
    created it; any other record against the team that owns it.
    """
    writer = this_writer(store)
    if writer is None:
        return
    owner = held.team or None
    model = RECORD_TYPES[held.kind]
    if model.sealed or model.team_owned:
        code = record_refusal(writer, owner=owner, team=new.team or None)
    else:
        changed = [
            name
            for name in sorted(GUARDED_FIELDS & set(type(held).model_fields))
            if getattr(held, name) != getattr(new, name)
        ]
        code = next(
            (
                c
                for f in changed
                if (c := entry_refusal(writer, creator=owner, field=f))
            ),
            None,
        )
    if code is not None:
        raise NotAllowed(code)

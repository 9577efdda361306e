"""Locking drops the read model: no decrypted record is reachable from the session."""

from __future__ import annotations

import datetime as dt
import gc
import sys
import types
from collections.abc import Awaitable, Callable, Iterator
from typing import Any

from harness import Tab

from app.readmodel import RecordRow
from app.services import ContactForm, RecordFilter
from app.store import Entry
from models import SyncedRecord

MARKER = "Zq9LockMarker"
Unlocked = Callable[[], Awaitable[Tab]]


def _shell(tab: Tab) -> Any:
    return tab.page.on_route_change.__self__  # type: ignore[union-attr]


def reachable(*roots: object) -> Iterator[object]:
    """Every object reachable from ``roots`` through references the session holds.

    Modules, classes and functions' globals are not followed: they are the
    program, shared by every session, not this session's data.
    """
    module_dicts = {id(vars(m)) for m in list(sys.modules.values()) if m is not None}
    seen: set[int] = set()
    todo = list(roots)
    while todo:
        obj = todo.pop()
        if id(obj) in seen or id(obj) in module_dicts:
            continue
        seen.add(id(obj))
        if isinstance(obj, types.ModuleType | type):
            continue
        yield obj
        if isinstance(obj, types.FunctionType):
            todo += [c.cell_contents for c in obj.__closure__ or () if _full(c)]
            todo += list(obj.__defaults__ or ()) + [obj.__kwdefaults__ or {}]
            continue
        todo += gc.get_referents(obj)


def _full(cell: types.CellType) -> bool:
    try:
        cell.cell_contents  # noqa: B018 - an empty cell raises
    except ValueError:
        return False
    return True


def decrypted(roots: list[object]) -> list[str]:
    """What decrypted content is still reachable (type names or marker texts)."""
    found: list[str] = []
    for obj in reachable(*roots):
        if isinstance(obj, SyncedRecord | Entry | RecordRow):
            found.append(type(obj).__name__)
        elif isinstance(obj, str) and MARKER in obj:
            found.append(obj)
    return found


async def test_lock_leaves_no_decrypted_record_reachable_from_the_session(
    unlocked: Unlocked,
) -> None:
    tab = await unlocked()
    shell = _shell(tab)
    services = shell.services
    form = services.contacts.new_form()
    form = ContactForm(
        **{
            **form.__dict__,
            "asks": f"{MARKER} water point",
            "on": dt.date.today().isoformat(),
        }
    )
    contact_id = services.contacts.save(form)
    services.places.find_or_create(f"{MARKER} gate")
    assert services.records.query(RecordFilter(text=MARKER))
    # Use every screen that reads records: home, the list with a search, one record.
    shell.go("/")
    shell.go("/records")
    await tab.type("Search records", MARKER)
    shell.go("/record", id=contact_id)
    assert tab.has_text(f"{MARKER} water point")
    roots = [shell, tab.page, tab.session, services]
    assert decrypted(roots), "the probe must see the records while unlocked"

    await tab.lifecycle("hide")  # the app goes to the background: it locks

    assert tab.has_text("Unlock Parley")
    # The fake browser keeps every message it was sent; a real connection does not.
    tab.conn.messages.clear()
    gc.collect()
    assert decrypted(roots) == []

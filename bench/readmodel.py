"""Screens over the read model at field and coordinator sizes, against plain SQLite.

Two vaults are built with bulk saves, both with Argon2id costs calibrated on this
machine (one calibration, so unlock pays the real cost):

* ``5k``: a field phone offline for a while, 3,000 records not yet synced and
  2,000 synced (contacts and checkpoint logs), 150 actors, 80 places;
* ``20k``: a coordinator's phone, 20,000 synced records from 8 teams.

Each figure is timed through the real UI, in-process (Flet's session over a fake
connection: the server side of each screen, encoding of what is sent included;
the browser's drawing is ``bench ui``'s part):

* unlock to an interactive home screen (and, apart, until every list is filled);
* one keystroke in the records search (p95 over letter-by-letter typing);
* opening one record; building the actor picker; saving a contact and seeing it
  at the top of the records list.

The baseline for each is the same rows in one plain SQLite table (no encryption,
no read model) answering the same question with SQL, in the same run.

    python -m bench readmodel [--runs N] [--only 5k|20k]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import json
import random
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from app.main import build_gate
from app.settings import Settings
from app.store import KdfParams, Store, calibrate
from app.ui import make_main
from app.ui.components.picker import Picker
from bench._corpus import Corpus
from bench._inproc import Tab
from models import Actor, CheckpointLog, HybridClock, Place, SyncedRecord
from models.enums import CheckpointOutcome, LogStatus

__all__ = ["main"]

PASSPHRASE = "bench read model passphrase"
TEAMS = ("north", "south", "east", "west", "river", "hills", "coast", "camp")
TARGETS = {
    "search_p95_ms": 30.0,
    "open_ms": 10.0,
    "picker_ms": 20.0,
    "save_to_list_ms": 300.0,
    "unlock_to_home_ms": 2500.0,
}


@dataclass(frozen=True)
class Size:
    """One vault to build: records waiting for the hub, records synced, teams."""

    name: str
    unsynced: int
    synced: int
    teams: tuple[str, ...]


SIZES = (Size("5k", 3000, 2000, ("north",)), Size("20k", 0, 20_000, TEAMS))


# -- building the vaults --------------------------------------------------------------


def _records(corpus: Corpus, n: int, teams: Sequence[str]) -> list[SyncedRecord]:
    rng = corpus.rng
    out: list[SyncedRecord] = []
    for i in range(n):
        team = teams[i % len(teams)]
        if i % 10 < 7:
            out.append(corpus.contact(team))
            continue
        moment = corpus.contact(team).on
        out.append(
            CheckpointLog(
                observed_at=datetime.datetime.combine(
                    moment, datetime.time(rng.randint(6, 17), 15), datetime.UTC
                ),
                entered_at=datetime.datetime.combine(
                    moment, datetime.time(18), datetime.UTC
                ),
                outcome=rng.choice(list(CheckpointOutcome)),
                place_id=rng.choice(corpus.places),
                actor_id=rng.choice(corpus.actors),
                notes=corpus.text(5, 30),
                status=LogStatus.DRAFT if rng.random() < 0.2 else LogStatus.COMPLETE,
                team=team,
            )
        )
    return out


def _synced(records: list[SyncedRecord], teams: Sequence[str]) -> list[SyncedRecord]:
    """Records as they arrive from the hub: each stamped by its author's clock."""
    now = lambda: time.time_ns() // 1_000_000  # noqa: E731
    clocks = {t: HybridClock(node=uuid.uuid4().hex, now_ms=now) for t in teams}
    first = clocks[teams[0]]
    return [
        r.model_copy(
            update={
                "hlc": clocks.get(r.team, first).now().encode(),
                "device": r.team or teams[0],
            }
        )
        for r in records
    ]


def build_vault(root: Path, size: Size, kdf: KdfParams) -> list[SyncedRecord]:
    """Create the vault and fill it; return every record (for the baseline)."""
    corpus = Corpus(seed=len(size.name))
    gate = build_gate(Settings(data_dir=root), kdf=kdf)
    services = gate.create(PASSPHRASE, PASSPHRASE)
    store: Store = services._store
    try:
        actors = [Actor(name=f"{corpus.text(1, 2).title()} {i}") for i in range(150)]
        places = [Place(name=f"{corpus.text(1, 1).title()} {i}") for i in range(80)]
        corpus.actors = [a.id for a in actors]
        corpus.places = [p.id for p in places]
        named: list[SyncedRecord] = [*actors, *places]
        store.apply_remote(_synced(named, ["hub"]))
        synced = _synced(_records(corpus, size.synced, size.teams), size.teams)
        for start in range(0, len(synced), 2000):
            store.apply_remote(synced[start : start + 2000])
        unsynced = _records(corpus, size.unsynced, size.teams)
        for start in range(0, len(unsynced), 1000):
            store.save_many(unsynced[start : start + 1000])
        return [*named, *synced, *unsynced]
    finally:
        services.close()


# -- the baseline: the same rows, plain ---------------------------------------------


def _text(record: SyncedRecord, names: dict[uuid.UUID, str]) -> str:
    body = record.model_dump(mode="json", exclude={"id", "rev", "parents", "hlc"})
    words = [str(v) for v in body.values() if isinstance(v, str)]
    for ref in ("actor_id", "place_id"):
        target = getattr(record, ref, None)
        if target in names:
            words.append(names[target])
    return "\n".join(words)


def plain_db(path: Path, records: list[SyncedRecord]) -> sqlite3.Connection:
    """One table of records, one of names; the obvious indexes; no encryption."""
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute(
        "CREATE TABLE records (id TEXT PRIMARY KEY, kind TEXT, team TEXT, day TEXT,"
        " status TEXT, actor_id TEXT, text TEXT, body TEXT)"
    )
    db.execute("CREATE INDEX records_day ON records (day)")
    db.execute("CREATE TABLE names (id TEXT PRIMARY KEY, kind TEXT, name TEXT)")
    named = [r for r in records if hasattr(r, "name")]
    names = {r.id: str(getattr(r, "name", "")) for r in named}
    db.executemany(
        "INSERT INTO names VALUES (?, ?, ?)",
        [(str(r.id), r.kind.value, names[r.id]) for r in named],
    )
    rows = [_plain_row(r, names) for r in records if r.id not in names]
    db.execute("BEGIN")
    db.executemany("INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
    db.execute("COMMIT")
    return db


def _plain_row(r: SyncedRecord, names: dict[uuid.UUID, str]) -> tuple[Any, ...]:
    day = str(getattr(r, "on", "") or getattr(r, "observed_at", ""))[:19]
    actor = getattr(r, "actor_id", None)
    status = str(getattr(r, "status", ""))
    body = r.model_dump_json()
    return (
        str(r.id),
        r.kind.value,
        r.team,
        day,
        status,
        str(actor),
        _text(r, names),
        body,
    )


_PAGE = (
    "SELECT r.id, r.kind, r.day, n.name FROM records r LEFT JOIN names n"
    " ON n.id = r.actor_id WHERE r.text LIKE ? ORDER BY r.day DESC LIMIT 50"
)


def plain_search(db: sqlite3.Connection, typed: str) -> float:
    start = time.perf_counter()
    like = f"%{typed.strip()}%"
    db.execute(_PAGE, (like,)).fetchall()
    db.execute("SELECT COUNT(*) FROM records WHERE text LIKE ?", (like,)).fetchone()
    return _ms(start)


def plain_open(db: sqlite3.Connection, record_id: str) -> float:
    start = time.perf_counter()
    (body,) = db.execute(
        "SELECT body FROM records WHERE id = ?", (record_id,)
    ).fetchone()
    doc = json.loads(body)
    db.execute("SELECT name FROM names WHERE id = ?", (str(doc.get("actor_id")),))
    return _ms(start)


def plain_picker(db: sqlite3.Connection) -> float:
    start = time.perf_counter()
    rows = db.execute(
        "SELECT id, name FROM names WHERE kind = 'actor' ORDER BY name COLLATE NOCASE"
    )
    [(i, n) for i, n in rows]
    return _ms(start)


def plain_save(db: sqlite3.Connection, record: SyncedRecord) -> float:
    start = time.perf_counter()
    db.execute("BEGIN")
    db.execute(
        "INSERT INTO records VALUES (?, ?, ?, ?, ?, ?, ?, ?)", _plain_row(record, {})
    )
    db.execute("COMMIT")
    db.execute(_PAGE, ("%%",)).fetchall()
    return _ms(start)


def plain_home(path: Path) -> float:
    start = time.perf_counter()
    db = sqlite3.connect(path)
    db.execute("SELECT id, kind, day FROM records ORDER BY day DESC LIMIT 5").fetchall()
    db.execute(
        "SELECT id FROM records WHERE status = 'planned' ORDER BY day"
    ).fetchall()
    db.execute("SELECT id FROM records WHERE status = 'draft' ORDER BY day").fetchall()
    db.close()
    return _ms(start)


# -- the app, in-process -----------------------------------------------------------


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


async def _until(check: Callable[[], bool], timeout_s: float = 120.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError("the screen never showed")
        await asyncio.sleep(0.002)


def _shell(tab: Tab) -> Any:
    return tab.page.on_route_change.__self__


async def timed(action: Callable[[], Awaitable[None]]) -> float:
    start = time.perf_counter()
    await action()
    return _ms(start)


async def unlock(tab: Tab) -> tuple[float, float]:
    """Submit the passphrase; ms to an interactive home, and to a filled one."""
    await tab.type("Passphrase", PASSPHRASE)
    button = tab.button("Unlock")  # found before the clock starts
    start = time.perf_counter()
    # The tap as the client sends it, without the harness's settling (which
    # waits for the records): home is timed when it shows, usable.
    tap = asyncio.ensure_future(tab.session.dispatch_event(button._i, "click", None))
    await _until(lambda: tab.route == "/" and tab.has_text("Log checkpoint"))
    home = _ms(start)
    await _until(lambda: tab.has_text("Latest records"))
    ready = _ms(start)
    await tap
    return home, ready


def queries(records: list[SyncedRecord], rng: random.Random) -> list[str]:
    """Words people would type: frequent and rare ones, an actor, two words."""
    texts = [str(getattr(r, "notes", "")) for r in records if getattr(r, "notes", "")]
    words = [w for w in " ".join(texts[:500]).split() if len(w) >= 4]
    actor = next(str(getattr(r, "name", "")) for r in records if hasattr(r, "name"))
    picks = rng.sample(words, 4)
    return [*picks, actor.split()[0], f"{picks[0]} {picks[1][:3]}"]


async def measure_app(
    root: Path, size: Size, records: list[SyncedRecord], runs: int
) -> dict[str, Any]:
    gate = build_gate(Settings(data_dir=root))
    main = make_main(gate, Settings(data_dir=root), tick_s=None)
    rng = random.Random(11)
    homes, readies = [], []
    for _ in range(runs):
        tab = Tab(main, keep=False)
        home, ready = await unlock(tab)
        homes.append(home)
        readies.append(ready)
        await tab.lifecycle("hide")
    tab = Tab(main, keep=False)
    await unlock(tab)
    shell = _shell(tab)
    services = shell.services
    shell.go("/records")
    search = tab.field("Search records")  # found once: the walk is not the app's
    keystrokes: list[float] = []
    for query in queries(records, rng):
        for end in range(1, len(query) + 1):
            keystrokes.append(
                await timed(partial(_keystroke, tab, search, query[:end]))
            )
        await _keystroke(tab, search, "")
    listed = [r for r in records if not hasattr(r, "name")]
    opened = rng.sample(listed, 20)
    opens = [await timed(partial(_open, shell, r)) for r in opened]
    pickers = [_picker(services) for _ in range(20)]
    saves = []
    for i in range(8):
        shell.go("/contact/new")
        await tab.type("What we asked for", f"bench save {i} water point")
        saves.append(await _save_and_list(tab, shell))
    await tab.lifecycle("hide")
    return {
        "unlock_to_home_ms": statistics.median(homes),
        "records_ready_ms": statistics.median(readies),
        "keystrokes": keystrokes,
        "open_ms": statistics.median(opens),
        "picker_ms": statistics.median(pickers),
        "save_to_list_ms": statistics.median(saves),
        "opened": [str(r.id) for r in opened],
    }


async def _keystroke(tab: Tab, field: Any, text: str) -> None:
    """What the client sends for one keystroke: the new value, a change event."""
    tab.session.apply_patch(field._i, {"value": text})
    await tab.session.dispatch_event(field._i, "change", text)


async def _open(shell: Any, record: SyncedRecord) -> None:
    shell.go("/record", id=str(record.id))


def _picker(services: Any) -> float:
    start = time.perf_counter()
    Picker(services.actors.options(), label="Actor", search_label="Find an actor")
    return _ms(start)


async def _save_and_list(tab: Tab, shell: Any) -> float:
    """Tap Save on the open contact form, then open the list: the new contact is
    its first row (dated today, newer than every other record)."""
    save = tab.button("Save")  # found before the clock starts: not the app's work
    start = time.perf_counter()
    await tab.session.dispatch_event(save._i, "click", None)
    saved = shell.screen.row.id  # the saved contact's page is on screen
    shell.go("/records")
    first = shell.screen.results.controls[0]
    elapsed = _ms(start)
    if shell.screen._tiles[saved][1] is not first:
        raise RuntimeError("the saved contact is not the first row of the list")
    return elapsed


# -- report ----------------------------------------------------------------------------


def p95(values: Sequence[float]) -> float:
    return statistics.quantiles(values, n=20)[18] if len(values) >= 20 else max(values)


def measure(size: Size, kdf: KdfParams, runs: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        build_start = time.perf_counter()
        records = build_vault(root / "app", size, kdf)
        build_s = time.perf_counter() - build_start
        app = asyncio.run(measure_app(root / "app", size, records, runs))
        db = plain_db(root / "plain.db", records)
        rng = random.Random(11)
        base_keys = [
            plain_search(db, q[:end])
            for q in queries(records, rng)
            for end in range(1, len(q) + 1)
        ]
        base_open = statistics.median(plain_open(db, rid) for rid in app["opened"])
        base_picker = statistics.median(plain_picker(db) for _ in range(20))
        corpus = Corpus(seed=99)
        base_save = statistics.median(
            plain_save(db, corpus.contact()) for _ in range(8)
        )
        db.close()
        base_home = statistics.median(plain_home(root / "plain.db") for _ in range(5))
    search = p95(app["keystrokes"])
    figures = {
        "search_p95_ms": search,
        "open_ms": app["open_ms"],
        "picker_ms": app["picker_ms"],
        "save_to_list_ms": app["save_to_list_ms"],
        "unlock_to_home_ms": app["unlock_to_home_ms"],
        "records_ready_ms": app["records_ready_ms"],
        "baseline_search_p95_ms": p95(base_keys),
        "baseline_open_ms": base_open,
        "baseline_picker_ms": base_picker,
        "baseline_save_to_list_ms": base_save,
        "baseline_unlock_to_home_ms": base_home,
        "search_ratio": search / max(p95(base_keys), 1e-3),
        "open_ratio": app["open_ms"] / max(base_open, 1e-3),
        "picker_ratio": app["picker_ms"] / max(base_picker, 1e-3),
        "save_to_list_ratio": app["save_to_list_ms"] / max(base_save, 1e-3),
        "unlock_to_home_ratio": app["unlock_to_home_ms"] / max(base_home, 1e-3),
        "build_s": build_s,
        "records": len(records),
    }
    return {f"{k}_{size.name}": round(v, 2) for k, v in figures.items()}


def main(argv: Sequence[str]) -> int:
    """Build both vaults, measure, print a table, end with one JSON line."""
    parser = argparse.ArgumentParser(prog="python -m bench readmodel")
    parser.add_argument("--runs", type=int, default=3, help="unlocks per vault")
    parser.add_argument(
        "--only", choices=[s.name for s in SIZES], help="one vault size only"
    )
    args = parser.parse_args(list(argv))
    sizes = [s for s in SIZES if args.only in (None, s.name)]
    kdf = calibrate()
    result: dict[str, Any] = {
        "kdf_memory_kib": kdf.memory_kib,
        "kdf_iterations": kdf.iterations,
    }
    for size in sizes:
        result |= measure(size, kdf, max(1, args.runs))
    print(f"{'figure':<34}{'app':>10}{'plain SQLite':>14}{'ratio':>8}{'target':>9}")
    for size in sizes:
        for name, target in TARGETS.items():
            stem = name.removesuffix("_ms").removesuffix("_p95")
            app_ms = result[f"{name}_{size.name}"]
            base = result[f"baseline_{name}_{size.name}"]
            ratio = result[f"{stem}_ratio_{size.name}"]
            label = f"{name}_{size.name}"
            print(f"{label:<34}{app_ms:>10}{base:>14}{ratio:>8}{target:>9}")
        ready = result[f"records_ready_ms_{size.name}"]
        print(f"{'records_ready_ms_' + size.name:<34}{ready:>10}")
    print("machine shared with other work: figures are noisy; ratios compare one run")
    print(json.dumps(result))
    return 0

"""Coordination on a coordinator's device: 20 teams, 200 actors, 20,000 contacts and
5,000 checkpoint logs, against plain SQLite doing the same aggregation.

Figures (each the median of several runs, in one process):

* ``overview_ms``: from the tap on the Coordination tab to the overview drawn
  (in-process: the server side of the screen, what is sent encoded), right after
  the records changed (a sync page landed), so nothing is cached;
* ``alerts_ms``: every de-confliction alert, from the read model (facts included);
* ``profile_ms``: one actor's profile screen, from the tap to the screen drawn;
* ``export_ms``: a shareable (redacted) CSV of every contact and checkpoint log.

The baseline of each is one plain SQLite file with the same rows (no encryption,
no read model, indexes on what the queries filter by) answering the same
question in SQL, in the same run.

    python -m bench coordination [--runs N]
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import datetime as dt
import io
import json
import random
import sqlite3
import statistics
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from app.main import build_gate
from app.services.exports import SHAREABLE, ExportFormat
from app.settings import Settings
from app.store import Store
from app.sync.identity import RECORDS_KEY_META, Identity, save_identity
from app.ui import make_main
from bench._appserve import FAST_KDF
from bench._corpus import Corpus
from bench._inproc import Tab
from models import Actor, CheckpointLog, Contact, HybridClock, Place, SyncedRecord
from models.enums import AccessConstraint, ActorType, CheckpointOutcome
from models.keys import box_public, new_key, signing_public

__all__ = ["main"]

PASSPHRASE = "bench coordination passphrase"
TEAMS = tuple(f"team-{n:02d}" for n in range(20))
ACTORS, PLACES, CONTACTS, LOGS = 200, 100, 20_000, 5_000
TARGETS = {"overview_ms": 300.0, "alerts_ms": 1000.0, "profile_ms": 100.0}
TARGETS["export_ms"] = 2000.0


# -- the vault ------------------------------------------------------


def _stamped(records: list[SyncedRecord]) -> list[SyncedRecord]:
    """As they arrive from the hub: each team's device stamps its own clock."""
    clocks = {
        t: HybridClock(node=uuid.uuid4().hex, now_ms=lambda: time.time_ns() // 10**6)
        for t in (*TEAMS, "hq")
    }
    return [
        r.model_copy(update={"hlc": clocks[r.team or "hq"].now().encode()})
        for r in records
    ]


def _log(corpus: Corpus, team: str) -> CheckpointLog:
    rng = corpus.rng
    day = dt.date(2024, 1, 1) + dt.timedelta(days=rng.randint(0, 300))
    at = dt.datetime.combine(day, dt.time(rng.randint(6, 17), 15), dt.UTC)
    outcome = rng.choice(list(CheckpointOutcome))
    free = outcome is CheckpointOutcome.PASSED
    return CheckpointLog(
        observed_at=at,
        entered_at=at,
        outcome=outcome,
        delay_minutes=None if free else rng.randint(5, 240),
        constraint=None if free else rng.choice(list(AccessConstraint)),
        place_id=rng.choice(corpus.places),
        actor_id=rng.choice(corpus.actors),
        demands=corpus.text(0, 6),
        notes=corpus.text(5, 20),
        team=team,
    )


def build(root: Path) -> list[SyncedRecord]:
    """A coordinator's vault after syncing every team; returns every record."""
    corpus = Corpus(seed=13)
    gate = build_gate(Settings(data_dir=root), kdf=FAST_KDF)
    services = gate.create(PASSPHRASE, PASSPHRASE)
    store: Store = services._store
    try:
        _enroll(store)
        types = list(ActorType)
        actors = [
            Actor(name=f"{corpus.text(1, 2).title()} {i}", actor_type=types[i % 8])
            for i in range(ACTORS)
        ]
        places = [
            Place(name=f"{corpus.text(1, 1).title()} {i}", area=f"District {i % 12}")
            for i in range(PLACES)
        ]
        corpus.actors, corpus.places = [a.id for a in actors], [p.id for p in places]
        rows: list[SyncedRecord] = [*actors, *places]
        rows += [
            corpus.contact(TEAMS[i % len(TEAMS)]).model_copy(
                update={"team": TEAMS[i % len(TEAMS)]}
            )
            for i in range(CONTACTS)
        ]
        rows += [_log(corpus, TEAMS[i % len(TEAMS)]) for i in range(LOGS)]
        stamped = _stamped(rows)
        for start in range(0, len(stamped), 2000):
            store.apply_remote(stamped[start : start + 2000])
        return stamped
    finally:
        services.close()


def _enroll(store: Store) -> None:
    save_identity(
        store,
        Identity(
            device=uuid.uuid4().hex,
            team="hq",
            role="coordinator",
            base_url="http://127.0.0.1:9",
            ed=new_key(),
            x=new_key(),
            cert=b"",
            command_key=signing_public(new_key()),
            publish_key=signing_public(new_key()),
            records_key=box_public(new_key()),
        ),
    )
    store.set_meta(RECORDS_KEY_META, bytes(32))


# -- the app ------------------------------------------------------


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def _shell(tab: Tab) -> Any:
    return tab.page.on_route_change.__self__


async def _unlock(main: Any) -> Tab:
    tab = Tab(main, keep=False)
    await tab.type("Passphrase", PASSPHRASE)
    await tab.press("Unlock")
    shell = _shell(tab)
    if not shell.services.wait_ready(300):
        raise TimeoutError("records never loaded")
    return tab


def _touch(store: Store, actor: Actor) -> None:
    """What a sync page does to the read model: one record changes."""
    store.save(actor.model_copy(update={"notes": uuid.uuid4().hex}))


async def _tap_tab(tab: Tab) -> float:
    shell = _shell(tab)
    shell.go("/")
    nav = next(
        c for c in tab.walk() if type(c).__name__ == "NavigationBar"
    )  # found before the clock starts
    start = time.perf_counter()
    tab.session.apply_patch(nav._i, {"selected_index": 5})
    await tab.session.dispatch_event(nav._i, "change", None)
    elapsed = _ms(start)
    if shell.screen is None or shell.screen.route != "/coord":
        raise RuntimeError("the tab did not open the overview")
    return elapsed


async def measure_app(
    root: Path, records: list[SyncedRecord], runs: int
) -> dict[str, Any]:
    settings = Settings(data_dir=root)
    main = make_main(build_gate(settings, kdf=FAST_KDF), settings, tick_s=None)
    tab = await _unlock(main)
    shell = _shell(tab)
    services = shell.services
    store = services._store
    actor = next(r for r in records if isinstance(r, Actor))
    cold, warm = [], []
    for _ in range(runs):
        _touch(store, actor)
        cold.append(await _tap_tab(tab))
        warm.append(await _tap_tab(tab))
    alerts, found = [], 0
    from app.services.coordination import CoordinationService

    for _ in range(runs):
        _touch(store, actor)
        fresh = CoordinationService(store, services._model)
        start = time.perf_counter()
        found = len(fresh.alerts())
        alerts.append(_ms(start))
    rng = random.Random(5)
    actors = [r for r in records if isinstance(r, Actor)]
    profiles = []
    services.coordination.overview()  # facts of this version built
    for picked in rng.sample(actors, max(5, runs * 2)):
        start = time.perf_counter()
        shell.go("/coord/actor", actor=str(picked.id))
        profiles.append(_ms(start))
    exports = []
    for _ in range(runs):
        start = time.perf_counter()
        made = services.exports.export(fmt=ExportFormat.CSV, redaction=SHAREABLE)
        exports.append(_ms(start))
    await tab.lifecycle("hide")
    return {
        "overview_ms": statistics.median(cold),
        "overview_warm_ms": statistics.median(warm),
        "alerts_ms": statistics.median(alerts),
        "alerts": found,
        "profile_ms": statistics.median(profiles),
        "export_ms": statistics.median(exports),
        "export_bytes": len(made.data),
        "profiled": [str(a.id) for a in rng.sample(actors, 5)],
    }


# -- the baseline ------------------------------------------------------

_SCHEMA = (
    "CREATE TABLE contacts (id TEXT PRIMARY KEY, team TEXT, actor TEXT, day TEXT,"
    " level TEXT, status TEXT, place TEXT, safety INTEGER, qpq INTEGER,"
    " principle INTEGER, commitments TEXT)",
    "CREATE TABLE issues (contact TEXT, actor TEXT, team TEXT, day TEXT, issue TEXT)",
    "CREATE TABLE methods (contact TEXT, actor TEXT, code TEXT)",
    "CREATE TABLE logs (id TEXT PRIMARY KEY, team TEXT, actor TEXT, day TEXT,"
    " outcome TEXT, delay INTEGER, constraint_code TEXT, place TEXT, demands TEXT)",
    "CREATE TABLE actors (id TEXT PRIMARY KEY, name TEXT, type TEXT)",
    "CREATE TABLE places (id TEXT PRIMARY KEY, name TEXT, area TEXT)",
    "CREATE INDEX contacts_actor ON contacts (actor, team)",
    "CREATE INDEX issues_actor ON issues (actor, issue, day)",
    "CREATE INDEX logs_actor ON logs (actor)",
    "CREATE INDEX methods_actor ON methods (actor)",
)


def plain_db(path: Path, records: list[SyncedRecord]) -> sqlite3.Connection:
    """The same rows in plain tables, one row per issue and method as SQL wants."""
    db = sqlite3.connect(path, isolation_level=None)
    for statement in _SCHEMA:
        db.execute(statement)
    db.execute("BEGIN")
    for r in records:
        _insert(db, r)
    db.execute("COMMIT")
    return db


def _insert(db: sqlite3.Connection, r: SyncedRecord) -> None:
    if isinstance(r, Actor):
        db.execute(
            "INSERT INTO actors VALUES (?,?,?)", (str(r.id), r.name, r.actor_type.value)
        )
    elif isinstance(r, Place):
        db.execute("INSERT INTO places VALUES (?,?,?)", (str(r.id), r.name, r.area))
    elif isinstance(r, Contact):
        cid, actor, day = str(r.id), str(r.actor_id), r.on.isoformat()
        approaches = {a.value for a in r.approaches}
        db.execute(
            "INSERT INTO contacts VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                cid,
                r.team,
                actor,
                day,
                r.level.value if r.level else None,
                r.status.value,
                str(r.place_id),
                int(any(x.value == "staff_safety" for x in r.risks)),
                int("quid_pro_quo" in approaches),
                int(bool(approaches & {"international_law", "local_norms"})),
                json.dumps([c.compliance.value for c in r.commitments]),
            ),
        )
        db.executemany(
            "INSERT INTO issues VALUES (?,?,?,?,?)",
            [(cid, actor, r.team, day, i.value) for i in r.issues],
        )
        db.executemany(
            "INSERT INTO methods VALUES (?,?,?)",
            [(cid, actor, m.value) for m in (*r.methods, *r.approaches)],
        )
    elif isinstance(r, CheckpointLog):
        db.execute(
            "INSERT INTO logs VALUES (?,?,?,?,?,?,?,?,?)",
            (
                str(r.id),
                r.team,
                str(r.actor_id),
                r.observed_at.date().isoformat(),
                r.outcome.value,
                r.delay_minutes,
                r.constraint.value if r.constraint else None,
                str(r.place_id),
                r.demands,
            ),
        )


def plain_overview(db: sqlite3.Connection) -> float:
    start = time.perf_counter()
    db.execute(
        "SELECT c.actor, c.team, COUNT(*), MAX(c.day), GROUP_CONCAT(DISTINCT c.level)"
        " FROM contacts c WHERE c.status = 'done' GROUP BY c.actor, c.team"
    ).fetchall()
    db.execute(
        "SELECT actor, team, GROUP_CONCAT(DISTINCT issue) FROM issues"
        " GROUP BY actor, team"
    ).fetchall()
    db.execute(
        "SELECT a.name, a.type, COUNT(*) FROM contacts c"
        " JOIN actors a ON a.id = c.actor GROUP BY c.actor ORDER BY COUNT(*) DESC"
    ).fetchall()
    return _ms(start)


def plain_alerts(db: sqlite3.Connection) -> float:
    start = time.perf_counter()
    db.execute(  # the same issue, two teams, within 30 days
        "SELECT a.actor, a.issue, COUNT(*) FROM issues a JOIN issues b"
        " ON b.actor = a.actor AND b.issue = a.issue AND b.team <> a.team"
        " AND b.day BETWEEN a.day AND date(a.day, '+30 days')"
        " GROUP BY a.actor, a.issue"
    ).fetchall()
    db.execute(  # an offer against a refusal to trade, on the same issue
        "SELECT a.actor, a.issue FROM issues a JOIN contacts ca ON ca.id = a.contact"
        " JOIN issues b ON b.actor = a.actor AND b.issue = a.issue AND b.team <> a.team"
        " AND b.day BETWEEN date(a.day, '-30 days') AND date(a.day, '+30 days')"
        " JOIN contacts cb ON cb.id = b.contact"
        " WHERE ca.qpq = 1 AND cb.qpq = 0 AND cb.principle = 1"
        " GROUP BY a.actor, a.issue"
    ).fetchall()
    db.execute(  # a contact after another team's safety flag or incident
        "WITH flags AS (SELECT actor, team, day FROM contacts WHERE safety = 1"
        " UNION ALL SELECT actor, team, day FROM logs WHERE outcome = 'incident')"
        " SELECT f.actor, f.team, COUNT(*) FROM flags f JOIN contacts c"
        " ON c.actor = f.actor AND c.team <> f.team"
        " AND c.day BETWEEN f.day AND date(f.day, '+90 days') GROUP BY f.actor, f.team"
    ).fetchall()
    db.execute(  # several levels by several teams
        "SELECT actor, COUNT(DISTINCT level), COUNT(DISTINCT team) FROM contacts"
        " WHERE level IS NOT NULL GROUP BY actor"
        " HAVING COUNT(DISTINCT level) > 1 AND COUNT(DISTINCT team) > 1"
    ).fetchall()
    return _ms(start)


def plain_profile(db: sqlite3.Connection, actor: str) -> float:
    start = time.perf_counter()
    db.execute(
        "SELECT id, team, day FROM contacts WHERE actor = ? UNION ALL"
        " SELECT id, team, day FROM logs WHERE actor = ? ORDER BY day DESC",
        (actor, actor),
    ).fetchall()
    db.execute(
        "SELECT m.code, COUNT(*), SUM(json_array_length(c.commitments)) FROM methods m"
        " JOIN contacts c ON c.id = m.contact WHERE m.actor = ? GROUP BY m.code",
        (actor,),
    ).fetchall()
    db.execute(
        "SELECT c.team, c.day, j.value FROM contacts c, json_each(c.commitments) j"
        " WHERE c.actor = ?",
        (actor,),
    ).fetchall()
    db.execute(
        "SELECT outcome, COUNT(*), AVG(delay), MAX(delay) FROM logs WHERE actor = ?"
        " GROUP BY outcome",
        (actor,),
    ).fetchall()
    return _ms(start)


def plain_export(db: sqlite3.Connection) -> float:
    start = time.perf_counter()
    out = io.StringIO()
    writer = csv.writer(out)
    for row in db.execute(
        "SELECT 'contact', c.team, strftime('%Y-W%W', c.day), p.area, a.name, a.type,"
        " c.level, (SELECT GROUP_CONCAT(issue) FROM issues WHERE contact = c.id)"
        " FROM contacts c LEFT JOIN places p ON p.id = c.place"
        " LEFT JOIN actors a ON a.id = c.actor ORDER BY c.day"
    ):
        writer.writerow(row)
    for row in db.execute(
        "SELECT 'checkpoint', l.team, strftime('%Y-W%W', l.day), p.area, a.name,"
        " l.outcome, l.delay, l.constraint_code FROM logs l"
        " LEFT JOIN places p ON p.id = l.place LEFT JOIN actors a ON a.id = l.actor"
        " ORDER BY l.day"
    ):
        writer.writerow(row)
    out.getvalue().encode("utf-8")
    return _ms(start)


# -- report ------------------------------------------------------


def measure(runs: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        started = time.perf_counter()
        records = build(root / "app")
        build_s = time.perf_counter() - started
        app = asyncio.run(measure_app(root / "app", records, runs))
        db = plain_db(root / "plain.db", records)
        base = {
            "overview_ms": statistics.median(plain_overview(db) for _ in range(runs)),
            "alerts_ms": statistics.median(plain_alerts(db) for _ in range(runs)),
            "profile_ms": statistics.median(
                plain_profile(db, a) for a in app["profiled"]
            ),
            "export_ms": statistics.median(plain_export(db) for _ in range(runs)),
        }
        db.close()
    result: dict[str, Any] = {}
    for name in TARGETS:
        result[name] = round(app[name], 1)
        result[f"baseline_{name}"] = round(base[name], 1)
        result[f"{name.removesuffix('_ms')}_ratio"] = round(
            app[name] / max(base[name], 1e-3), 2
        )
    result |= {
        "overview_warm_ms": round(app["overview_warm_ms"], 1),
        "alerts": app["alerts"],
        "export_bytes": app["export_bytes"],
        "teams": len(TEAMS),
        "actors": ACTORS,
        "contacts": CONTACTS,
        "checkpoint_logs": LOGS,
        "build_s": round(build_s, 1),
    }
    return result


def main(argv: Sequence[str]) -> int:
    """Build the vault, measure, print a table, end with one JSON line."""
    parser = argparse.ArgumentParser(prog="python -m bench coordination")
    parser.add_argument("--runs", type=int, default=5, help="runs per figure")
    args = parser.parse_args(list(argv))
    result = measure(max(1, args.runs))
    print(f"{'figure':<16}{'app':>10}{'plain SQLite':>14}{'ratio':>8}{'target':>9}")
    for name, target in TARGETS.items():
        ratio = result[f"{name.removesuffix('_ms')}_ratio"]
        print(
            f"{name:<16}{result[name]:>10}{result['baseline_' + name]:>14}"
            f"{ratio:>8}{target:>9}"
        )
    print(f"overview again, nothing changed: {result['overview_warm_ms']} ms")
    print("machine shared with other work: figures are noisy; ratios compare one run")
    print(json.dumps(result))
    return 0

"""Vault cost against plain SQLite through SQLModel, on the same 10,000 records.

Usage: ``python -m bench vault [--records N] [--rounds R] [--unlock-runs U]``. Prints
a table, then one JSON line: insert_ratio, read_ratio, save_p95_ms, unlock_ms, and
unlock_spread: how far apart the medians of a real, a wrong, a duress and a
real-after-duress unlock are (max/min - 1, target < 0.10), each over U runs.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import JSON, Column, event
from sqlmodel import Field, Session, SQLModel, create_engine, select

from app.errors import WrongPassphrase
from app.store import FileSecrets, KdfParams, Vault, calibrate
from models import Commitment, Contact
from models.enums import Approach, Method, ProtectionIssue, RiskFlag

PASSPHRASE = "benchmark passphrase"
WORDS = [
    "road",
    "gate",
    "water",
    "truck",
    "commander",
    "school",
    "clinic",
    "market",
    "convoy",
    "well",
]


class PlainContact(SQLModel, table=True):
    """The baseline: the same contact as plain columns, no encryption."""

    __tablename__ = "plain_contact"
    id: uuid.UUID = Field(primary_key=True)
    on: dt.date
    interlocutor_role: str
    asks: str
    outcome: str
    notes: str
    methods: list[str] = Field(sa_column=Column(JSON))
    approaches: list[str] = Field(sa_column=Column(JSON))
    issues: list[str] = Field(sa_column=Column(JSON))
    risks: list[str] = Field(sa_column=Column(JSON))
    commitments: list[dict[str, Any]] = Field(sa_column=Column(JSON))


def text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def make_contacts(n: int, seed: int = 7) -> list[Contact]:
    rng = random.Random(seed)
    return [
        Contact(
            on=dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(300)),
            interlocutor_role=text(rng, 3),
            asks=text(rng, 20),
            outcome=text(rng, 12),
            notes=text(rng, 30),
            methods=[Method.DIRECT_DIALOGUE],
            approaches=[Approach.LOCAL_NORMS, Approach.COMMON_INTEREST],
            issues=[ProtectionIssue.FREEDOM_OF_MOVEMENT],
            risks=[RiskFlag.STAFF_SAFETY],
            commitments=[Commitment(text=text(rng, 8), due=dt.date(2026, 12, 1))],
        )
        for _ in range(n)
    ]


def plain_rows(contacts: Sequence[Contact]) -> list[PlainContact]:
    return [
        PlainContact(
            id=c.id,
            on=c.on,
            interlocutor_role=c.interlocutor_role,
            asks=c.asks,
            outcome=c.outcome,
            notes=c.notes,
            methods=list(c.methods),
            approaches=list(c.approaches),
            issues=list(c.issues),
            risks=list(c.risks),
            commitments=[m.model_dump(mode="json") for m in c.commitments],
        )
        for c in contacts
    ]


def _plain_engine(path: Path) -> Any:
    engine = create_engine(f"sqlite:///{path}")

    @event.listens_for(engine, "connect")
    def _pragmas(conn: Any, _: Any) -> None:
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")

    SQLModel.metadata.create_all(engine, tables=[PlainContact.__table__])  # type: ignore[attr-defined]
    return engine


def bench_plain(root: Path, contacts: Sequence[Contact]) -> tuple[float, float]:
    engine = _plain_engine(root / "plain.db")
    rows = plain_rows(contacts)
    start = time.perf_counter()
    with Session(engine) as session:
        session.add_all(rows)
        session.commit()
    insert_s = time.perf_counter() - start
    engine.dispose()
    start = time.perf_counter()
    with Session(engine) as session:
        loaded = session.exec(select(PlainContact)).all()
        touched = sum(len(r.asks) + len(r.commitments) for r in loaded)
    read_s = time.perf_counter() - start
    engine.dispose()
    assert touched and len(loaded) == len(contacts)
    return insert_s, read_s


def bench_vault(
    root: Path, contacts: Sequence[Contact], kdf: KdfParams
) -> tuple[float, float]:
    vault = Vault(root / "vault", secrets=FileSecrets(root / "pepper"), kdf=kdf)
    store = vault.create(PASSPHRASE)
    start = time.perf_counter()
    store.save_many(list(contacts))
    insert_s = time.perf_counter() - start
    store.close()
    store = vault.unlock(PASSPHRASE)
    start = time.perf_counter()
    loaded = store.records(Contact)
    touched = sum(len(r.asks) + len(r.commitments) for r in loaded)
    read_s = time.perf_counter() - start
    store.close()
    assert touched and len(loaded) == len(contacts)
    return insert_s, read_s


def bench_saves(root: Path, kdf: KdfParams, count: int) -> list[float]:
    vault = Vault(root / "saves", secrets=FileSecrets(root / "pepper2"), kdf=kdf)
    store = vault.create(PASSPHRASE)
    times = []
    for contact in make_contacts(count, seed=11):
        start = time.perf_counter()
        store.save(contact)
        times.append((time.perf_counter() - start) * 1000)
    store.close()
    return times


UNLOCK_KINDS = ("real", "wrong", "duress", "real_after_duress")
DURESS = "benchmark duress words"


def bench_unlock(root: Path, runs: int) -> tuple[dict[str, list[float]], KdfParams]:
    """Unlock times for each outcome, interleaved, at calibrated costs.

    Each round uses a fresh vault (a duress unlock erases it) holding some records,
    and times, in turn: the real passphrase, a wrong one, the duress passphrase and
    then the real one again (now wrong, against the decoy). Background shredding
    is waited for between timings, outside them.
    """
    params = calibrate()
    times: dict[str, list[float]] = {kind: [] for kind in UNLOCK_KINDS}
    for round_ in range(runs):
        folder = root / f"unlock{round_}"
        vault = Vault(
            folder / "vault", secrets=FileSecrets(folder / "s.bin"), kdf=params
        )
        store = vault.create(PASSPHRASE)
        store.save_many(make_contacts(200, seed=round_))
        store.close()
        vault.set_duress(passphrase=PASSPHRASE, duress=DURESS)
        for kind, words in zip(
            UNLOCK_KINDS,
            (PASSPHRASE, "not the passphrase", DURESS, PASSPHRASE),
            strict=True,
        ):
            opened = None
            start = time.perf_counter()
            with contextlib.suppress(WrongPassphrase):
                opened = vault.unlock(words)
            times[kind].append((time.perf_counter() - start) * 1000)
            if opened is not None:
                opened.close()
            Vault.settle()
    return times, params


def p95(values: Sequence[float]) -> float:
    return statistics.quantiles(values, n=20)[18]


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench vault")
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--unlock-runs", type=int, default=7)
    args = parser.parse_args(argv)
    contacts = make_contacts(args.records)
    fast = KdfParams(8 * 1024, 1, 1)  # KDF cost is measured separately, in unlock_ms
    plain_i, plain_r, vault_i, vault_r = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for round_ in range(args.rounds):  # interleaved to spread machine noise
            root = Path(tmp) / f"round{round_}"
            root.mkdir()
            pi, pr = bench_plain(root, contacts)
            vi, vr = bench_vault(root, contacts, fast)
            plain_i.append(pi)
            plain_r.append(pr)
            vault_i.append(vi)
            vault_r.append(vr)
        saves = bench_saves(Path(tmp), fast, 300)
        unlocks, params = bench_unlock(Path(tmp), args.unlock_runs)
    pi, pr = statistics.median(plain_i), statistics.median(plain_r)
    vi, vr = statistics.median(vault_i), statistics.median(vault_r)
    medians = {k: statistics.median(v) for k, v in unlocks.items()}
    spread = max(medians.values()) / min(medians.values()) - 1
    result = {
        "records": args.records,
        "insert_ratio": round(vi / pi, 2),
        "read_ratio": round(vr / pr, 2),
        "save_p95_ms": round(p95(saves), 2),
        "unlock_ms": round(medians["real"], 1),
        # Real, wrong, duress and real-after-duress must look alike: target < 10 %.
        "unlock_spread": round(spread, 3),
        "unlock_medians_ms": {k: round(v, 1) for k, v in medians.items()},
        "unlock_runs": args.unlock_runs,
        "plain_insert_ms": round(pi * 1000, 1),
        "vault_insert_ms": round(vi * 1000, 1),
        "plain_read_ms": round(pr * 1000, 1),
        "vault_read_ms": round(vr * 1000, 1),
        "save_p50_ms": round(statistics.median(saves), 2),
        "kdf": {"memory_kib": params.memory_kib, "iterations": params.iterations},
    }
    print(f"{'':24}{'plain SQLModel':>16}{'vault':>12}{'ratio':>8}")
    print(f"{'insert 10k (ms)':24}{pi * 1000:>16.0f}{vi * 1000:>12.0f}{vi / pi:>8.2f}")
    print(
        f"{'read+decrypt all (ms)':24}{pr * 1000:>16.0f}"
        f"{vr * 1000:>12.0f}{vr / pr:>8.2f}"
    )
    print(f"{'one save, p95 (ms)':24}{'':>16}{result['save_p95_ms']:>12}")
    for kind, value in medians.items():
        label = f"unlock {kind.replace('_', ' ')} (ms)"
        print(f"{label:32}{value:>20.0f}")
    print(f"{'unlock spread (max/min - 1)':32}{spread:>20.3f}")
    print(json.dumps(result))
    return 0

"""The crash campaign: ``python -m bench._crash`` (``make crash``).

SIGKILLs at random points, then checks that nothing acknowledged was lost or
stored twice:

* **app saving**: a device process saving contacts one by one is killed; the
  vault must open and hold every contact whose save had returned.
* **app syncing**: a device process running the app's sync service (two hub
  processes on PostgreSQL behind a round-robin proxy, a slow link so kills land
  mid-batch) is killed, more contacts are saved, it starts again; at the end
  every saved revision is at the hub exactly once and the vault opens.
* **hub ingesting**: devices push batches to two hub processes on PostgreSQL
  while one of them is killed and restarted; every batch a device saw
  acknowledged is stored exactly once, with no gap.
* **PostgreSQL restarting** (a private cluster, never the shared server): hubs
  answer 503 with ``Retry-After`` while it is away and serve again by
  themselves once it is back; every acknowledged batch is stored once.

Prints a table and one JSON line; exits 1 if any check failed.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import psycopg
from sqlalchemy import func, select

from app.sync import connect, enroll_device
from app.sync.identity import Identity, sign_request
from bench._corpus import Corpus
from bench._devproc import create_vault, open_vault, wait_started
from bench._hubproc import HubProcess
from bench._pgcluster import PgCluster
from bench._proxy import LinkProfile, TcpProxy
from bench._syncload import (
    PASSPHRASE,
    Sample,
    _light_device,
    _push_bodies,
    new_code,
    pg_database,
    sample,
)
from hub import tables
from hub.db import HubDb
from hub.service import now_ms
from models.wire import MEDIA_TYPE

__all__ = ["Campaign", "main", "run_campaign"]

# Slow enough that a sync of a few dozen contacts takes a couple of seconds.
SLOW = LinkProfile("slow", 256_000, (0.2, 0.2))


def _log(text: str) -> None:
    print(text, flush=True)


@dataclass
class Campaign:
    """How many of each fault to cause."""

    app_save: int = 35
    app_sync: int = 35
    hub: int = 30
    pg: int = 3
    seed: int = 1


@dataclass
class Result:
    """What happened and what was checked."""

    kills: dict[str, int] = field(default_factory=dict)
    figures: dict[str, Any] = field(default_factory=dict)
    failures: list[str] = field(default_factory=list)

    def check(self, ok: bool, what: str) -> None:
        if not ok:
            self.failures.append(what)
            _log(f"  FAILED: {what}")


def _device_proc(*args: str) -> subprocess.Popen[bytes]:
    # What the device prints goes to <root>/device.log, read when a check fails.
    with (Path(args[1]) / "device.log").open("ab") as log:
        return subprocess.Popen(
            [sys.executable, "-m", "bench._devproc", *args],
            stdout=log,
            stderr=subprocess.STDOUT,
        )


def _kill(proc: subprocess.Popen[bytes]) -> bool:
    """SIGKILL unless it already ended; True if it was killed."""
    if proc.poll() is not None:
        return False
    proc.kill()
    proc.wait()
    return True


# -- the app, saving ------------------------------------------------------------------


def app_saving(folder: Path, kills: int, rng: random.Random, out: Result) -> None:
    root = folder / "saver"
    create_vault(root).close()
    done = 0
    while done < kills:
        proc = _device_proc("save", str(root), "100000")
        wait_started(root, proc)
        time.sleep(rng.uniform(0.0, 1.5))
        if _kill(proc):
            done += 1
        store = open_vault(root)  # must open after any kill
        log = root / "saved.log"
        lines = log.read_text().splitlines() if log.exists() else []
        saved = [line for line in lines if len(line) == 36]
        missing = [s for s in saved if store.get(uuid.UUID(s)) is None]
        store.close()
        out.check(not missing, f"{len(missing)} acknowledged saves lost")
    out.kills["app_saving"] = done
    out.figures["app_saves_checked"] = len(saved)


# -- the app, syncing ------------------------------------------------------------------


@contextlib.contextmanager
def _hubs(url: str, folder: Path, n: int = 2) -> Iterator[list[HubProcess]]:
    hubs = [HubProcess(url, PARLEY_ORG_PASSPHRASE=PASSPHRASE) for _ in range(n)]
    hubs[0].cli("init", "--org", "Crash", "--kdf-memory-kib", "8192")
    for hub in hubs:
        hub.start()
    try:
        yield hubs
    finally:
        for hub in hubs:
            with contextlib.suppress(Exception):
                hub.stop()


def _records_key(url: str) -> bytes:
    from models.keys import unwrap_secret

    db = HubDb(url)
    try:
        with db.read() as conn:
            wrapped = conn.execute(select(tables.org.c.records_wrapped)).scalar_one()
    finally:
        db.close()
    return unwrap_secret(bytes(wrapped), PASSPHRASE)


def _revisions_at(url: str) -> dict[str, int]:
    import io

    import msgpack
    import zstandard

    from models.keys import open_sealed, unpad
    from models.wire import seal_aad

    key = _records_key(url)
    db = HubDb(url)
    found: dict[str, int] = {}
    try:
        with db.read() as conn:
            rows = conn.execute(
                select(
                    tables.sealed.c.device, tables.sealed.c.batch, tables.sealed.c.ct
                )
            ).all()
    finally:
        db.close()
    for row in rows:
        plain = open_sealed(key, bytes(row.ct), aad=seal_aad(row.device, row.batch))
        reader = zstandard.ZstdDecompressor().stream_reader(io.BytesIO(unpad(plain)))
        for _kind, doc in msgpack.unpackb(reader.read()):
            rev = str(json.loads(doc)["rev"])
            found[rev] = found.get(rev, 0) + 1
    return found


def app_syncing(folder: Path, kills: int, rng: random.Random, out: Result) -> None:
    with pg_database() as url, _hubs(url, folder) as hubs:
        proxy = TcpProxy(hubs[0].port, also=(hubs[1].port,), seed=rng.randrange(1000))
        root = folder / "syncer"
        store = create_vault(root)
        client = connect(proxy.url)
        enroll_device(client, store, code=new_code(url))
        client.close()
        corpus = Corpus(seed=3)
        revs: set[str] = set()
        store.close()
        proxy.use(SLOW)
        done = 0
        while done < kills:
            store = open_vault(root)
            revs |= {str(r.rev) for r in store.save_many(list(corpus.contacts(40)))}
            store.close()
            proc = _device_proc("sync", str(root))
            wait_started(root, proc)
            time.sleep(rng.uniform(0.0, 3.0))
            if _kill(proc):
                done += 1
        proc = _device_proc("sync", str(root))
        rc = proc.wait(600)
        out.check(rc == 0, "the last sync did not finish")
        store = open_vault(root)
        out.check(store.pending_count() == 0, "records still pending after sync")
        store.close()
        at_hub = _revisions_at(url)
        out.check(set(at_hub) == revs, "saved revisions missing at the hub")
        out.check(set(at_hub.values()) <= {1}, "a revision stored twice")
        out.kills["app_syncing"] = done
        out.figures["app_sync_revisions"] = len(revs)
        out.figures["app_sync_cuts_by_kill"] = done
        proxy.close()


# -- the hub, ingesting --------------------------------------------------------------


class Pusher(threading.Thread):
    """A light device pushing its batches in order, resending until acknowledged."""

    def __init__(
        self, identity: Identity, url: str, compressed: Sample, batches: int
    ) -> None:
        super().__init__(daemon=True)
        self.identity = identity
        self.url = url
        self.compressed = compressed
        self.batches = batches
        self.acked = 0
        self.busy = 0  # 503 answers seen
        self.retry_after_seen = False
        self.failures = 0
        self.stop = threading.Event()

    def run(self) -> None:
        with httpx.Client(base_url=self.url, timeout=20) as http:
            body, seq = b"", 0
            while self.acked < self.batches and not self.stop.is_set():
                if seq != self.acked + 1:
                    seq = self.acked + 1
                    (body,) = _push_bodies(
                        self.identity, self.compressed, range(seq, seq + 1)
                    )
                auth = sign_request(
                    self.identity,
                    method="POST",
                    path="/v1/sync",
                    body=body,
                    now_ms=now_ms(),
                )
                headers = {"authorization": auth, "content-type": MEDIA_TYPE}
                try:
                    resp = http.post("/v1/sync", content=body, headers=headers)
                except httpx.TransportError:
                    self.failures += 1
                    time.sleep(0.1)
                    continue
                if resp.status_code == 200:
                    self.acked += 1
                    time.sleep(0.05)
                    continue
                self.failures += 1
                if resp.status_code == 503:
                    self.busy += 1
                    self.retry_after_seen |= "retry-after" in resp.headers
                time.sleep(0.2)


def _pushers(url: str, hub_url: str, devices: int, batches: int) -> list[Pusher]:
    compressed = sample(list(Corpus(seed=4).contacts(50)))
    out = []
    for _ in range(devices):
        identity = _light_device(url, hub_url)
        out.append(Pusher(identity, hub_url, compressed, batches))
    return out


def _stored_once(url: str, pushers: list[Pusher], out: Result, what: str) -> None:
    db = HubDb(url)
    try:
        with db.read() as conn:
            for p in pushers:
                rows = (
                    conn.execute(
                        select(tables.sealed.c.batch).where(
                            tables.sealed.c.device == p.identity.device
                        )
                    )
                    .scalars()
                    .all()
                )
                acked = conn.execute(
                    select(func.count())
                    .select_from(tables.batches)
                    .where(tables.batches.c.device == p.identity.device)
                ).scalar()
                out.check(
                    sorted(rows) == list(range(1, len(rows) + 1)),
                    f"{what}: sealed batches with a gap or twice",
                )
                out.check(len(rows) >= p.acked, f"{what}: an acknowledged batch lost")
                out.check(acked == len(rows), f"{what}: acks and batches disagree")
    finally:
        db.close()


def hub_ingesting(folder: Path, kills: int, rng: random.Random, out: Result) -> None:
    with pg_database() as url, _hubs(url, folder) as hubs:
        proxy = TcpProxy(hubs[0].port, also=(hubs[1].port,))
        pushers = _pushers(url, hubs[0].url, devices=6, batches=400)
        for p in pushers:
            p.url = proxy.url
            p.start()
        done = 0
        while done < kills:
            time.sleep(rng.uniform(0.3, 1.2))
            victim = rng.choice(hubs)
            victim.kill()  # SIGKILL mid-ingest
            done += 1
            victim.start()
        time.sleep(1.0)
        for p in pushers:
            p.stop.set()
        for p in pushers:
            p.join(30)
        _stored_once(url, pushers, out, "hub kills")
        out.kills["hub_ingesting"] = done
        out.figures["hub_batches_acked"] = sum(p.acked for p in pushers)
        proxy.close()


# -- PostgreSQL, restarting -----------------------------------------------------------


def pg_restarting(folder: Path, restarts: int, rng: random.Random, out: Result) -> None:
    cluster = PgCluster()
    try:
        cluster.start()
        with psycopg.connect(cluster.url, autocommit=True) as admin:
            admin.execute("CREATE DATABASE parley")
        url = cluster.url.rsplit("/", 1)[0] + "/parley"
        with _hubs(url, folder) as hubs:
            proxy = TcpProxy(hubs[0].port, also=(hubs[1].port,))
            pushers = _pushers(url, hubs[0].url, devices=4, batches=100_000)
            for p in pushers:
                p.url = proxy.url
                p.start()
            unhealthy = 0
            for _ in range(restarts):
                time.sleep(rng.uniform(1.0, 2.5))
                cluster.stop("immediate")
                for _ in range(10):  # while the database is away
                    with contextlib.suppress(httpx.TransportError):
                        health = httpx.get(hubs[0].url + "/healthz", timeout=5)
                        unhealthy += health.status_code == 503
                    time.sleep(0.1)
                cluster.start()
            before = sum(p.acked for p in pushers)
            time.sleep(3.0)  # the hubs serve again, with no restart of theirs
            after = sum(p.acked for p in pushers)
            for p in pushers:
                p.stop.set()
            for p in pushers:
                p.join(30)
            out.check(unhealthy > 0, "no 503 while the database was away")
            out.check(
                any(p.busy for p in pushers)
                and all(p.retry_after_seen for p in pushers if p.busy),
                "pushes during the outage did not get 503 with Retry-After",
            )
            out.check(after > before, "the hubs did not recover by themselves")
            _stored_once(url, pushers, out, "database restarts")
            out.kills["pg_restarts"] = restarts
            out.figures["pg_503_answers"] = sum(p.busy for p in pushers)
            out.figures["pg_batches_acked"] = after
            proxy.close()
    finally:
        cluster.remove()


def run_campaign(campaign: Campaign, folder: Path) -> Result:
    """Run every part; return what happened."""
    rng = random.Random(campaign.seed)
    out = Result()
    parts = (
        ("app saving", app_saving, campaign.app_save),
        ("app syncing", app_syncing, campaign.app_sync),
        ("hub ingesting", hub_ingesting, campaign.hub),
        ("postgresql restarting", pg_restarting, campaign.pg),
    )
    for name, part, count in parts:
        if count <= 0:
            continue
        _log(f"{name}: {count}")
        start = time.monotonic()
        part(folder, count, rng, out)
        out.figures[f"{name.replace(' ', '_')}_seconds"] = round(
            time.monotonic() - start, 1
        )
    return out


def main(argv: Sequence[str]) -> int:
    """Run the campaign; print a table and one JSON line; exit 1 on any failure."""
    parser = argparse.ArgumentParser(prog="python -m bench._crash")
    defaults = Campaign()
    parser.add_argument("--app-save", type=int, default=defaults.app_save)
    parser.add_argument("--app-sync", type=int, default=defaults.app_sync)
    parser.add_argument("--hub", type=int, default=defaults.hub)
    parser.add_argument("--pg", type=int, default=defaults.pg)
    parser.add_argument("--seed", type=int, default=defaults.seed)
    args = parser.parse_args(list(argv))
    campaign = Campaign(args.app_save, args.app_sync, args.hub, args.pg, args.seed)
    with tempfile.TemporaryDirectory(prefix="parley-crash-") as tmp:
        result = run_campaign(campaign, Path(tmp))
    total = sum(v for k, v in result.kills.items() if k != "pg_restarts")
    for key, value in {**result.kills, **result.figures}.items():
        _log(f"  {key:32} {value}")
    summary = {
        "sigkills": total,
        **result.kills,
        **result.figures,
        "failures": result.failures,
        "ok": not result.failures,
    }
    print(json.dumps(summary, sort_keys=True))
    return 0 if not result.failures else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

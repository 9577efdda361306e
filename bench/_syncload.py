"""Hub processes and load generation for ``bench sync``: ingest and push latency."""

from __future__ import annotations

import contextlib
import os
import random
import statistics
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import msgpack
import psycopg
from sqlalchemy import Column, Integer, LargeBinary, MetaData, String, Table

from app.sync.enroll import enroll_request
from app.sync.identity import Identity, sign_request
from app.sync.outbox import compress_revisions, seal_part
from bench._corpus import Corpus
from bench._hubproc import HubProcess
from hub.db import HubDb
from hub.enrollment import create_code
from hub.service import now_ms
from models import SyncedRecord
from models.enums import Role
from models.keys import new_key
from models.wire import (
    MEDIA_TYPE,
    Batch,
    EnrollResponse,
    Push,
    SealedPart,
    SyncRequest,
    b64d,
    declared,
    encode,
)

__all__ = ["hub_processes", "ingest", "latency", "new_code", "pg_database"]

PASSPHRASE = "benchmark organisation passphrase"
PG_ADMIN = os.environ.get(
    "PARLEY_BENCH_PG", "postgresql://postgres@127.0.0.1:5432/postgres"
)
HOUR = 3_600_000


@contextlib.contextmanager
def hub_processes(
    url: str, folder: Path, *, processes: int = 1
) -> Iterator[list[HubProcess]]:
    hubs = [HubProcess(url, PARLEY_ORG_PASSPHRASE=PASSPHRASE) for _ in range(processes)]
    hubs[0].cli("init", "--org", "Bench", "--kdf-memory-kib", "8192")
    for hub in hubs:
        hub.start()
    try:
        yield hubs
    finally:
        for hub in hubs:
            hub.stop()


@contextlib.contextmanager
def pg_database() -> Iterator[str]:
    name = f"parley_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(PG_ADMIN, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def new_code(url: str, role: Role = Role.FIELD) -> str:
    db = HubDb(url)
    try:
        return create_code(db, team="north", role=role, ttl_ms=HOUR, now_ms=now_ms())
    finally:
        db.close()


def _light_device(db_url: str, hub_url: str) -> Identity:
    """An enrolled identity without a vault, for load generation."""
    hello = httpx.get(hub_url + "/v1/hello").json()
    ed, x = new_key(), new_key()
    req = enroll_request(new_code(db_url), ed, x, b64d(hello["hub_key"]))
    resp = EnrollResponse.model_validate(
        httpx.post(hub_url + "/v1/enroll", json=req.model_dump()).json()
    )
    return Identity(
        device=resp.device,
        team=resp.team,
        role=resp.role,
        base_url=hub_url,
        ed=ed,
        x=x,
        cert=b64d(resp.certificate),
        command_key=b64d(resp.command_key),
        publish_key=b64d(resp.publish_key),
        records_key=b64d(resp.records_key),
    )


@dataclass(frozen=True)
class Sample:
    """Compressed revisions to push again and again, and their record ids."""

    compressed: bytes
    ids: list[bytes]

    def part(self, identity: Identity, seq: int) -> SealedPart:
        """The sealed part of batch ``seq``, declared under ``identity``."""
        own = (identity.team, identity.device)
        revs = [declared(i, *own, signer=own) for i in self.ids]
        return seal_part(identity, seq, self.compressed, revs)


def sample(revs: list[SyncedRecord]) -> Sample:
    """A :class:`Sample` of ``revs``."""
    return Sample(compress_revisions(revs), [r.id.bytes for r in revs])


def _push_bodies(identity: Identity, compressed: Sample, seqs: range) -> list[bytes]:
    bodies = []
    for seq in seqs:
        batch = Batch(
            device=identity.device, seq=seq, sealed=compressed.part(identity, seq)
        )
        packed = msgpack.packb(batch.dump(), use_bin_type=True)
        bodies.append(encode(SyncRequest(push=Push(seq=seq, batch=packed)).dump()))
    return bodies


def _post(http: httpx.Client, identity: Identity, body: bytes) -> None:
    auth = sign_request(
        identity, method="POST", path="/v1/sync", body=body, now_ms=now_ms()
    )
    resp = http.post(
        "/v1/sync",
        content=body,
        headers={"authorization": auth, "content-type": MEDIA_TYPE},
    )
    if resp.status_code != 200:
        raise RuntimeError(f"push refused: {resp.status_code} {resp.text}")


# -- ingest ----------------------------------------------------------------------------


def _bulk_baseline(url: str, rows: list[tuple[bytes, bytes]]) -> float:
    """Rows per second for one executemany of the same rows into the same database."""
    table = Table(
        "bench_bulk",
        MetaData(),
        Column("seq", Integer, primary_key=True, autoincrement=False),
        Column("device", String(64)),
        Column("batch", Integer),
        Column("ct", LargeBinary),
        Column("sig", LargeBinary),
        Column("size", Integer),
        Column("received_at", Integer),
    )
    db = HubDb(url)
    try:
        table.create(db.engine, checkfirst=True)
        values = [
            {
                "seq": i,
                "device": "d" * 32,
                "batch": i,
                "ct": ct,
                "sig": sig,
                "size": len(ct),
                "received_at": 0,
            }
            for i, (ct, sig) in enumerate(rows)
        ]
        start = time.perf_counter()
        with db.write() as conn:
            conn.execute(table.insert(), values)
        return len(rows) / (time.perf_counter() - start)
    finally:
        db.close()


def ingest(
    corpus: Corpus, url: str, folder: Path, *, devices: int = 4, batches: int = 25
) -> tuple[float, float]:
    """Contacts/s over HTTP, and the same contacts/s as a plain bulk insert."""
    compressed = sample(list(corpus.contacts(100)))
    with hub_processes(url, folder) as (hub,):
        identities = [_light_device(url, hub.url) for _ in range(devices)]
        work = {
            i.device: _push_bodies(i, compressed, range(1, batches + 1))
            for i in identities
        }
        errors: list[BaseException] = []

        def run(identity: Identity) -> None:
            try:
                with httpx.Client(base_url=hub.url, timeout=60) as http:
                    for body in work[identity.device]:
                        _post(http, identity, body)
            except BaseException as exc:  # noqa: BLE001 - reported below
                errors.append(exc)

        threads = [threading.Thread(target=run, args=(i,)) for i in identities]
        start = time.perf_counter()
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - start
        if errors:
            raise errors[0]
    http_rps = devices * batches * 100 / elapsed
    one = compressed.part(identities[0], 1)
    rows = [(one.ct, one.sig)] * (devices * batches)
    bulk_rps = _bulk_baseline(url, rows) * 100
    return http_rps, bulk_rps


# -- latency ---------------------------------------------------------------------------


def latency(
    corpus: Corpus, url: str, folder: Path, *, seconds: float
) -> dict[str, float]:
    """p50/p99 push latency with 10 then 50 devices over two hub processes on PG."""
    compressed = sample(list(corpus.contacts(100)))
    out: dict[str, float] = {}
    with hub_processes(url, folder, processes=2) as hubs:
        identities = [_light_device(url, hubs[0].url) for _ in range(50)]
        per_device = int(seconds * 2) + 4
        work = {
            i.device: _push_bodies(i, compressed, range(1, 2 * per_device + 1))
            for i in identities
        }
        sent = {i.device: 0 for i in identities}
        for count in (10, 50):
            times = _load(identities[:count], hubs, work, sent, seconds)
            times.sort()
            out[f"p50_ms_{count}"] = round(statistics.median(times), 1)
            out[f"p99_ms_{count}"] = round(
                times[min(len(times) - 1, int(len(times) * 0.99))], 1
            )
            out[f"pushes_{count}"] = len(times)
    return out


def _load(
    identities: list[Identity],
    hubs: list[HubProcess],
    work: dict[str, list[bytes]],
    sent: dict[str, int],
    seconds: float,
) -> list[float]:
    times: list[float] = []
    lock = threading.Lock()
    stop = time.monotonic() + seconds

    def device(n: int, identity: Identity) -> None:
        rng = random.Random(n)
        with httpx.Client(base_url=hubs[n % len(hubs)].url, timeout=60) as http:
            while True:
                time.sleep(rng.uniform(0.5, 1.5))
                if time.monotonic() > stop:
                    return
                body = work[identity.device][sent[identity.device]]
                start = time.perf_counter()
                _post(http, identity, body)
                elapsed = (time.perf_counter() - start) * 1000
                sent[identity.device] += 1
                with lock:
                    times.append(elapsed)

    threads = [
        threading.Thread(target=device, args=(n, i)) for n, i in enumerate(identities)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return times

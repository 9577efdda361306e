"""``python -m bench bounds``: what one hostile sender costs everybody else.

Against ``python -m hub serve`` on SQLite (``--postgres`` too), one real device
syncs (push one actor, pull the registry) again and again:

* quiet: nobody else talks to the hub (the baseline, same run);
* flood: meanwhile one enrolled device sends signed 20,000-op requests in a
  loop and an outsider sends 50 MB chunked bodies to ``/v1/sync``;
* heavy: another device's one-op pushes (no pulls: the wait for the write
  lock alone) while one device pushes the largest batches the hub accepts (500
  new registry entries each) back to back until its quotas stop it. A full
  sync would also pull those entries: the entries quota bounds that download.

Figures: the device's sync p50/p99 in each phase, the flood/quiet ratio, how
many flood requests the hub refused meanwhile, and the hub process's RSS growth
over the flood. Targets: p99 under flood and heavy ≤ 1000 ms; RSS growth
< 16 MiB.

Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator, Sequence
from pathlib import Path

import httpx
import msgpack

from app.store import KdfParams, MemorySecrets, Vault
from app.sync import SyncEngine, connect, enroll_device
from app.sync.identity import Identity, sign_request
from bench._syncload import _light_device, hub_processes, new_code, pg_database
from hub.service import now_ms
from models import Actor, Hlc
from models.wire import MAX_BATCH_OPS, MEDIA_TYPE, Batch, Push, SyncRequest, encode

MB = 1024 * 1024


def _rss(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    return 0


def _flood_body(db_url: str, hub_url: str) -> tuple[bytes, object]:
    me = _light_device(db_url, hub_url)
    clock = Hlc(now_ms(), 0, "00000000000000aa").encode()
    ops = [
        (i, "actor", uuid.uuid4().bytes, "name", f"Junk {i}", clock)
        for i in range(20_000)
    ]
    batch = Batch(device=me.device, seq=1, ops=ops)
    packed = msgpack.packb(batch.dump(), use_bin_type=True)
    return encode(SyncRequest(push=Push(seq=1, batch=packed)).dump()), me


def _chunks(total: int, size: int = 256 * 1024) -> Iterator[bytes]:
    block = b"\x00" * size
    for _ in range(total // size):
        yield block


def _timed_syncs(engine: SyncEngine, store: object, rounds: int) -> list[float]:
    out = []
    for i in range(rounds):
        store.save(Actor(name=f"Unit {uuid.uuid4().hex[:6]} {i}"))  # type: ignore[attr-defined]
        began = time.perf_counter()
        engine.run_once()
        out.append((time.perf_counter() - began) * 1000)
    return out


def _one_push(http: httpx.Client, me: Identity, seq: int) -> float:
    """One signed push of one registry op, no pulls: the write lock's wait."""
    clock = Hlc(now_ms(), 0, "00000000000000bb").encode()
    ops = [(0, "actor", uuid.uuid4().bytes, "name", f"Unit {seq}", clock)]
    batch = Batch(device=me.device, seq=seq, ops=ops)
    packed = msgpack.packb(batch.dump(), use_bin_type=True)
    body = encode(SyncRequest(push=Push(seq=seq, batch=packed)).dump())
    auth = sign_request(me, method="POST", path="/v1/sync", body=body, now_ms=now_ms())
    headers = {"authorization": auth, "content-type": MEDIA_TYPE}
    began = time.perf_counter()
    resp = http.post("/v1/sync", content=body, headers=headers)
    if resp.status_code != 200:
        raise RuntimeError(f"push refused: {resp.status_code}")
    return (time.perf_counter() - began) * 1000


def _heavy_phase(
    db_url: str, hub_url: str, rounds: int
) -> tuple[list[float], list[float]]:
    """Another device's one-op pushes, quiet and then while one device pushes
    the largest batches the hub accepts back to back."""
    me, heavy = _light_device(db_url, hub_url), _light_device(db_url, hub_url)
    stop = threading.Event()

    def push_full_batches() -> None:
        clock = Hlc(now_ms(), 0, "00000000000000aa").encode()
        with httpx.Client(base_url=hub_url, timeout=60) as http:
            for seq in range(1, 10_000):
                if stop.is_set():
                    return
                ops = [
                    (i, "actor", uuid.uuid4().bytes, "name", f"Heavy {i}", clock)
                    for i in range(MAX_BATCH_OPS)
                ]
                batch = Batch(device=heavy.device, seq=seq, ops=ops)
                packed = msgpack.packb(batch.dump(), use_bin_type=True)
                body = encode(SyncRequest(push=Push(seq=seq, batch=packed)).dump())
                auth = sign_request(
                    heavy, method="POST", path="/v1/sync", body=body, now_ms=now_ms()
                )
                headers = {"authorization": auth, "content-type": MEDIA_TYPE}
                if (
                    http.post("/v1/sync", content=body, headers=headers).status_code
                    != 200
                ):
                    return  # its quota is spent

    with httpx.Client(base_url=hub_url, timeout=60) as http:
        quiet = [_one_push(http, me, seq) for seq in range(1, rounds + 1)]
        thread = threading.Thread(target=push_full_batches)
        thread.start()
        try:
            time.sleep(0.5)
            busy = [
                _one_push(http, me, seq) for seq in range(rounds + 1, 2 * rounds + 1)
            ]
        finally:
            stop.set()
            thread.join(timeout=120)
    return quiet, busy


def _p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]


def _run(db_url: str, folder: Path, rounds: int) -> dict[str, float]:
    with hub_processes(db_url, folder) as hubs:
        hub = hubs[0]
        assert hub.proc is not None
        vault = Vault(
            folder / "dev", secrets=MemorySecrets(), kdf=KdfParams(8 * 1024, 1, 1)
        )
        store = vault.create("bench device passphrase")
        client = connect(hub.url)
        enroll_device(client, store, code=new_code(db_url))
        engine = SyncEngine(store, client)
        body, flooder = _flood_body(db_url, hub.url)
        _timed_syncs(engine, store, 3)  # warm up
        quiet = _timed_syncs(engine, store, rounds)
        stop = threading.Event()
        refused = {"ops": 0, "bytes": 0, "other": 0}

        def ops_flood() -> None:
            with httpx.Client(base_url=hub.url, timeout=60) as http:
                while not stop.is_set():
                    auth = sign_request(
                        flooder,  # type: ignore[arg-type]
                        method="POST",
                        path="/v1/sync",
                        body=body,
                        now_ms=now_ms(),
                    )
                    headers = {"authorization": auth, "content-type": MEDIA_TYPE}
                    r = http.post("/v1/sync", content=body, headers=headers)
                    refused["ops" if r.status_code == 413 else "other"] += 1

        def byte_flood() -> None:
            with httpx.Client(base_url=hub.url, timeout=60) as http:
                while not stop.is_set():
                    with contextlib.suppress(httpx.HTTPError):
                        r = http.post("/v1/sync", content=_chunks(50 * MB))
                        refused["bytes" if r.status_code == 413 else "other"] += 1

        before = _rss(hub.proc.pid)
        threads = [threading.Thread(target=f) for f in (ops_flood, byte_flood)]
        for t in threads:
            t.start()
        try:
            time.sleep(0.5)
            flood = _timed_syncs(engine, store, rounds)
        finally:
            stop.set()
            for t in threads:
                t.join(timeout=120)
        after = _rss(hub.proc.pid)
        push_quiet, heavy = _heavy_phase(db_url, hub.url, rounds)
        client.close()
        store.close()
    return {
        "quiet_p50_ms": statistics.median(quiet),
        "quiet_p99_ms": _p99(quiet),
        "flood_p50_ms": statistics.median(flood),
        "flood_p99_ms": _p99(flood),
        "flood_over_quiet_p50": statistics.median(flood) / statistics.median(quiet),
        "refused_20000_op_requests": refused["ops"],
        "refused_50mb_bodies": refused["bytes"],
        "other_answers": refused["other"],
        "rss_growth_mib": (after - before) / MB,
        "push_quiet_p99_ms": _p99(push_quiet),
        "push_heavy_p50_ms": statistics.median(heavy),
        "push_heavy_p99_ms": _p99(heavy),
    }


def main(argv: Sequence[str]) -> int:
    """Run the flood benchmark and print its figures."""
    parser = argparse.ArgumentParser(prog="python -m bench bounds")
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--postgres", action="store_true")
    args = parser.parse_args(argv)
    results: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        results["sqlite"] = _run(f"sqlite:///{folder / 'hub.db'}", folder, args.rounds)
        if args.postgres:
            with pg_database() as url:
                (folder / "pg").mkdir()
                results["postgres"] = _run(url, folder / "pg", args.rounds)
    for kind, figures in results.items():
        print(f"-- {kind}")
        for name, value in figures.items():
            print(f"{name:28} {value:10.1f}")
        ok = (
            figures["flood_p99_ms"] <= 1000
            and figures["push_heavy_p99_ms"] <= 1000
            and figures["rss_growth_mib"] < 16
        )
        print(f"{'targets met':28} {'yes' if ok else 'NO'}")
    print(json.dumps(results))
    return 0

"""The soak: ``python -m bench._soak`` (``make soak``).

Simulated devices (50 by default) sync for a while (10 minutes by default)
against two hub processes on one PostgreSQL database (half the devices on each):
each pushes a sealed batch of contacts and pulls the registry every 1 to 5 s.
Each window (a minute by default) prints the requests, errors, p50/p99 latency
and the memory (RSS) of both hub processes. Passes when no request failed and
hub memory after the warm-up (the first two windows) grew less than 10 %.

Prints one JSON line at the end; exits 1 when a check failed.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import msgpack

from app.sync.identity import Identity, sign_request
from bench._corpus import Corpus
from bench._crash import _hubs
from bench._syncload import Sample, _light_device, pg_database, sample
from hub.service import now_ms
from models.wire import MEDIA_TYPE, Batch, Push, SyncRequest, encode

__all__ = ["Soak", "main", "run_soak"]

GROWTH_LIMIT = 0.10


@dataclass
class Soak:
    """How big and how long."""

    devices: int = 50
    seconds: float = 600.0
    window: float = 60.0
    warmup_windows: int = 2


@dataclass
class Window:
    """One reporting window."""

    n: int
    requests: int
    errors: int
    p50_ms: float
    p99_ms: float
    rss_kib: list[int]


@dataclass
class Tally:
    lock: threading.Lock = field(default_factory=threading.Lock)
    times: list[float] = field(default_factory=list)
    errors: int = 0
    error_kinds: dict[str, int] = field(default_factory=dict)

    def take(self) -> tuple[list[float], int]:
        with self.lock:
            times, self.times = self.times, []
            errors, self.errors = self.errors, 0
        return times, errors


def _rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def _device(
    identity: Identity,
    url: str,
    compressed: Sample,
    tally: Tally,
    stop: threading.Event,
    seed: int,
) -> None:
    rng = random.Random(seed)
    acked, cursor = 0, 0
    body, built = b"", 0
    with httpx.Client(base_url=url, timeout=30) as http:
        while not stop.wait(rng.uniform(1.0, 5.0)):
            seq = acked + 1
            if built != seq:  # a resend must be the same bytes as the first send
                batch = Batch(
                    device=identity.device,
                    seq=seq,
                    sealed=compressed.part(identity, seq),
                )
                packed = msgpack.packb(batch.dump(), use_bin_type=True)
                push = Push(seq=seq, batch=packed)
                body = encode(SyncRequest(push=push, pull={"registry": cursor}).dump())
                built = seq
            start = time.perf_counter()
            try:
                resp = _post(http, identity, body)
                ok = resp.status_code == 200
                kind = str(resp.status_code)
            except httpx.TransportError as exc:
                ok, kind = False, type(exc).__name__
            elapsed = (time.perf_counter() - start) * 1000
            with tally.lock:
                if ok:
                    tally.times.append(elapsed)
                else:
                    tally.errors += 1
                    tally.error_kinds[kind] = tally.error_kinds.get(kind, 0) + 1
            if ok:
                acked = seq


def _post(http: httpx.Client, identity: Identity, body: bytes) -> httpx.Response:
    """POST once more if a kept-alive connection was closed under the request (as
    any HTTP client does for an idempotent request; the resend is the same batch)."""
    for attempt in range(2):
        auth = sign_request(
            identity, method="POST", path="/v1/sync", body=body, now_ms=now_ms()
        )
        headers = {"authorization": auth, "content-type": MEDIA_TYPE}
        try:
            return http.post("/v1/sync", content=body, headers=headers)
        except httpx.RemoteProtocolError:
            if attempt:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * q))], 1)


def run_soak(soak: Soak, folder: Path) -> dict[str, Any]:
    """Run the soak; return the figures and whether it passed."""
    compressed = sample(list(Corpus(seed=8).contacts(20)))
    windows: list[Window] = []
    tally = Tally()
    stop = threading.Event()
    with pg_database() as url, _hubs(url, folder) as hubs:
        identities = [_light_device(url, hubs[0].url) for _ in range(soak.devices)]
        threads = [
            threading.Thread(
                target=_device,
                args=(ident, hubs[n % 2].url, compressed, tally, stop, n),
                daemon=True,
            )
            for n, ident in enumerate(identities)
        ]
        for t in threads:
            t.start()
        start = time.monotonic()
        n = 0
        while time.monotonic() - start < soak.seconds - 1e-3:
            n += 1
            time.sleep(max(0.0, start + n * soak.window - time.monotonic()))
            times, errors = tally.take()
            rss = [_rss_kib(h.proc.pid) for h in hubs if h.proc is not None]
            window = Window(
                n,
                len(times),
                errors,
                round(statistics.median(times), 1) if times else 0.0,
                _pct(times, 0.99),
                rss,
            )
            windows.append(window)
            print(
                f"  window {n:3}: {window.requests:6} requests, {errors} errors "
                f"{tally.error_kinds or ''}, "
                f"p50 {window.p50_ms} ms, p99 {window.p99_ms} ms, "
                f"hub RSS {', '.join(f'{r // 1024} MiB' for r in rss)}",
                flush=True,
            )
        stop.set()
        for t in threads:
            t.join(30)
    warm = windows[min(soak.warmup_windows, len(windows)) - 1]
    last = windows[-1]
    growth = max(
        (b - a) / a for a, b in zip(warm.rss_kib, last.rss_kib, strict=False) if a
    )
    errors = sum(w.errors for w in windows)
    return {
        "devices": soak.devices,
        "seconds": soak.seconds,
        "requests": sum(w.requests for w in windows),
        "errors": errors,
        "error_kinds": tally.error_kinds,
        "p50_ms": [w.p50_ms for w in windows],
        "p99_ms": [w.p99_ms for w in windows],
        "rss_mib": [[r // 1024 for r in w.rss_kib] for w in windows],
        "rss_growth_after_warmup": round(growth, 3),
        "ok": errors == 0 and growth < GROWTH_LIMIT,
    }


def main(argv: Sequence[str]) -> int:
    """Run the soak and print one JSON line; exit 1 when a check failed."""
    parser = argparse.ArgumentParser(prog="python -m bench._soak")
    defaults = Soak()
    parser.add_argument("--devices", type=int, default=defaults.devices)
    parser.add_argument("--seconds", type=float, default=defaults.seconds)
    parser.add_argument("--window", type=float, default=defaults.window)
    parser.add_argument("--warmup", type=int, default=defaults.warmup_windows)
    args = parser.parse_args(list(argv))
    soak = Soak(args.devices, args.seconds, args.window, args.warmup)
    with tempfile.TemporaryDirectory(prefix="parley-soak-") as tmp:
        out = run_soak(soak, Path(tmp))
    print(json.dumps(out, sort_keys=True))
    return 0 if out["ok"] else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

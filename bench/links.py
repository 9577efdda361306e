"""``python -m bench links``: Parley and PouchDB side by side over emulated links.

Every profile of :data:`bench._proxy.PROFILES` (2G, 2G harsh, GEO satellite,
good), for Parley (the app's own sync service, on its own retry schedule,
against a ``python -m hub serve`` process) and for PouchDB 9 replicating the
same contact documents to express-pouchdb (pouchdb-server's core) in Node,
through the same user-space link emulator. Bytes are counted at the link
(headers included, and bytes lost in cuts), requests at each client, time on
the wall clock from the start of the sync to its end.

The floor of a push is its bytes on an unshaped link (the same contacts, the
same protocol) over the link rate, plus one round trip. ``resent_ratio`` is the
bytes a profile made the device send over those bytes.

Last line: one JSON object with the figures and their targets.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.services.sync import SyncService, SyncState
from app.store import KdfParams, MemorySecrets, Store, Vault
from app.sync import connect, enroll_device
from bench._corpus import Corpus
from bench._proxy import PROFILES, LinkProfile, TcpProxy
from bench._syncload import hub_processes, new_code
from models import Contact

POUCH_DIR = Path(__file__).parent / "pouch"
TARGETS = {
    "g2_100_over_floor": 1.5,
    "g2_harsh_100_over_floor": 3.0,
    "g2_harsh_resent_ratio": 1.5,
    "peer_bytes_ratio_1000": 0.3,
    "peer_requests_ratio_1000": 0.25,
    "peer_idle_bytes_ratio": 0.5,
    "peer_g2_time_ratio_100": 0.4,
}
# What each profile runs: contacts pushed (and an idle sync after the largest).
PLAN: dict[str, tuple[int, ...]] = {
    "good": (100, 1000),
    "geo": (100, 1000),
    "2g": (100,),
    "2g-harsh": (100,),
}


def _log(text: str) -> None:
    print(text, flush=True)


@dataclass
class Run:
    """One push over one profile."""

    system: str
    profile: str
    contacts: int
    seconds: float
    up: int
    down: int
    requests: int
    done: bool
    cuts: int = 0

    @property
    def wire(self) -> int:
        return self.up + self.down


# -- Parley ---------------------------------------------------------------------------


class ParleyBench:
    """A SQLite hub process and enrolled vault devices behind one proxy."""

    def __init__(self, folder: Path, hub_url: str, db_url: str) -> None:
        self.folder = folder
        self.db_url = db_url
        self.proxy = TcpProxy(int(hub_url.rsplit(":", 1)[1]), seed=11)
        self.n = 0

    def device(self) -> Store:
        self.n += 1
        vault = Vault(
            self.folder / f"dev{self.n}",
            secrets=MemorySecrets(),
            kdf=KdfParams(8 * 1024, 1, 1),
        )
        store = vault.create("bench device passphrase")
        self.proxy.use(None)
        client = connect(self.proxy.url)
        enroll_device(client, store, code=new_code(self.db_url))
        client.close()
        return store

    def push(
        self, profile: LinkProfile | None, contacts: list[Contact], deadline: float
    ) -> tuple[Run, SyncService, Store]:
        store = self.device()
        store.save_many(contacts)
        service = SyncService(store, interval_s=3600)
        self.proxy.use(profile)
        self.proxy.reset()
        start = time.monotonic()
        service.sync_now()
        done = _wait_synced(service, store, start + deadline)
        seconds = time.monotonic() - start
        counters = self.proxy.counters
        run = Run(
            "parley",
            profile.name if profile else "unshaped",
            len(contacts),
            seconds,
            counters.up,
            counters.down,
            _requests(service),
            done,
            counters.cuts,
        )
        return run, service, store

    def idle(self, service: SyncService, store: Store) -> Run:
        self.proxy.reset()
        start = time.monotonic()
        before = _requests(service)
        service.sync_now()
        time.sleep(0.05)
        done = _wait_synced(service, store, start + 120)
        return Run(
            "parley",
            "idle",
            0,
            time.monotonic() - start,
            self.proxy.counters.up,
            self.proxy.counters.down,
            _requests(service) - before,
            done,
        )

    def close(self) -> None:
        self.proxy.close()


def _requests(service: SyncService) -> int:
    client = service._client  # noqa: SLF001 - the bench reads the client's counter
    return client.requests if client is not None else 0


def _wait_synced(service: SyncService, store: Store, until: float) -> bool:
    while time.monotonic() < until:
        status = service.status()
        if (
            status.state is SyncState.IDLE
            and status.pending == 0
            and service.wait_idle(0)
            and status.progress is not None
            and status.progress.done
        ):
            return True
        time.sleep(0.05)
    return False


# -- PouchDB --------------------------------------------------------------------------


def pouch_ready() -> bool:
    """True when Node and the bench's npm packages are installed."""
    return shutil.which("node") is not None and (POUCH_DIR / "node_modules").is_dir()


@contextlib.contextmanager
def pouch_server() -> Iterator[int]:
    proc = subprocess.Popen(
        ["node", "server.js"],
        cwd=POUCH_DIR,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        yield int(json.loads(line)["port"])
    finally:
        proc.terminate()
        proc.wait(10)


def pouch_push(
    port: int,
    profile: LinkProfile | None,
    contacts: list[Contact],
    folder: Path,
    deadline: float,
    name: str,
) -> tuple[Run, Run]:
    docs = [{"_id": str(c.id), **c.model_dump(mode="json")} for c in contacts]
    for doc in docs:
        doc.pop("id", None)
    path = folder / f"{name}.json"
    path.write_text(json.dumps(docs))
    proxy = TcpProxy(port, profile=None, seed=11)
    try:
        proc = subprocess.Popen(
            [
                "node",
                "replicate.js",
                f"{proxy.url}/{name}",
                str(path),
                str(int(deadline)),
            ],
            cwd=POUCH_DIR,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert proc.stdin is not None and proc.stdout is not None
        proxy.use(profile)
        proxy.reset()
        push = _line(proc, deadline + 60)
        pushed = Run(
            "pouchdb",
            profile.name if profile else "unshaped",
            len(contacts),
            push["ms"] / 1000,
            proxy.counters.up,
            proxy.counters.down,
            push["requests"],
            bool(push["ok"]),
            proxy.counters.cuts,
        )
        proxy.reset()
        idle: dict[str, Any] = {"requests": 0, "ms": 0, "ok": False}
        if proc.poll() is None:
            proc.stdin.write("idle\n")
            proc.stdin.flush()
            idle = _line(proc, deadline + 60)
        idled = Run(
            "pouchdb",
            "idle",
            0,
            idle["ms"] / 1000,
            proxy.counters.up,
            proxy.counters.down,
            idle["requests"],
            bool(idle["ok"]),
        )
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(30)
        return pushed, idled
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proxy.close()


def _line(proc: subprocess.Popen[str], timeout: float) -> dict[str, Any]:
    """The next JSON line from the Node script; a run that never ends is "not done"."""
    assert proc.stdout is not None
    got: list[str] = []
    reader = threading.Thread(target=lambda: got.append(proc.stdout.readline()))  # type: ignore[union-attr]
    reader.daemon = True
    reader.start()
    reader.join(timeout)
    if not got or not got[0]:
        proc.kill()
        return {"requests": 0, "ms": timeout * 1000, "ok": False}
    found: dict[str, Any] = json.loads(got[0])
    return found


# -- main -----------------------------------------------------------------------------


def _table(runs: list[Run]) -> None:
    _log(
        f"  {'system':8} {'profile':10} {'contacts':>8} {'seconds':>8} {'up B':>9} "
        f"{'down B':>9} {'requests':>8} {'cuts':>5} done"
    )
    for r in runs:
        _log(
            f"  {r.system:8} {r.profile:10} {r.contacts:>8} {r.seconds:>8.2f} "
            f"{r.up:>9} {r.down:>9} {r.requests:>8} {r.cuts:>5} {r.done}"
        )


def main(argv: Sequence[str]) -> int:
    """Run every profile for both systems; print a table and a final JSON line."""
    parser = argparse.ArgumentParser(prog="python -m bench links")
    parser.add_argument("--deadline", type=float, default=240.0, help="per push, s")
    parser.add_argument("--no-peer", action="store_true", help="Parley only")
    args = parser.parse_args(list(argv))
    corpus = Corpus()
    sets = {n: list(corpus.contacts(n)) for n in (100, 1000)}
    runs: list[Run] = []
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="parley-links-") as tmp:
        folder = Path(tmp)
        url = f"sqlite:///{folder / 'hub.db'}"
        with hub_processes(url, folder) as (hub,):
            bench = ParleyBench(folder, hub.url, url)
            try:
                needed: dict[int, Run] = {}
                for n in (100, 1000):
                    run, service, _ = bench.push(None, sets[n], args.deadline)
                    service.stop()
                    needed[n] = run
                    runs.append(run)
                for name, sizes in PLAN.items():
                    profile = PROFILES[name]
                    for n in sizes:
                        _log(f"parley {name} {n} contacts")
                        run, service, store = bench.push(
                            profile, sets[n], args.deadline
                        )
                        runs.append(run)
                        if n == sizes[-1]:
                            idle = bench.idle(service, store)
                            idle.profile = f"idle/{name}"
                            runs.append(idle)
                        service.stop()
            finally:
                bench.close()
        parley = {(r.profile, r.contacts): r for r in runs if r.system == "parley"}
        floors = {
            name: needed[100].up * 8 / PROFILES[name].rate_bps + PROFILES[name].rtt_mean
            for name in ("2g", "2g-harsh")
        }
        g2 = parley[("2g", 100)]
        harsh = parley[("2g-harsh", 100)]
        out["g2_100_seconds"] = round(g2.seconds, 2)
        out["g2_100_floor_seconds"] = round(floors["2g"], 2)
        out["g2_100_over_floor"] = round(g2.seconds / floors["2g"], 2)
        out["g2_harsh_100_seconds"] = round(harsh.seconds, 2)
        out["g2_harsh_100_done"] = harsh.done
        out["g2_harsh_100_over_floor"] = round(harsh.seconds / floors["2g-harsh"], 2)
        out["g2_harsh_resent_ratio"] = round(harsh.wire / needed[100].wire, 2)
        out["g2_harsh_cuts"] = harsh.cuts
        out["parley_bytes_per_contact_1000"] = round(needed[1000].wire / 1000)
        out["parley_requests_1000"] = needed[1000].requests
        if not args.no_peer and pouch_ready():
            with pouch_server() as port:
                n_db = 0
                for name, sizes in PLAN.items():
                    for n in sizes:
                        n_db += 1
                        _log(f"pouchdb {name} {n} contacts")
                        pushed, idle = pouch_push(
                            port,
                            PROFILES[name],
                            sets[n],
                            folder,
                            args.deadline,
                            f"contacts{n_db}",
                        )
                        runs.append(pushed)
                        if n == sizes[-1]:
                            idle.profile = f"idle/{name}"
                            runs.append(idle)
            pouch = {(r.profile, r.contacts): r for r in runs if r.system == "pouchdb"}
            good_p, good_c = parley[("good", 1000)], pouch[("good", 1000)]
            out["peer_bytes_ratio_1000"] = round(good_p.wire / good_c.wire, 3)
            out["peer_requests_ratio_1000"] = round(
                good_p.requests / good_c.requests, 3
            )
            idle_p, idle_c = parley[("idle/good", 0)], pouch[("idle/good", 0)]
            out["peer_idle_bytes_ratio"] = round(idle_p.wire / idle_c.wire, 3)
            out["peer_g2_time_ratio_100"] = round(
                g2.seconds / pouch[("2g", 100)].seconds, 3
            )
            out["peer_g2_harsh_done_100"] = pouch[("2g-harsh", 100)].done
            out["pouch_bytes_per_contact_1000"] = round(good_c.wire / 1000)
            out["pouch_requests_1000"] = good_c.requests
        elif not args.no_peer:
            _log("PouchDB not installed (make bench runs npm ci in bench/pouch)")
    _table(runs)
    out["targets"] = TARGETS
    out["met"] = {
        k: bool(out[k] <= v)
        for k, v in TARGETS.items()
        if isinstance(out.get(k), int | float)
    }
    print(json.dumps(out, sort_keys=True))
    return 0

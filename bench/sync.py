"""``python -m bench sync``: the sync protocol measured in one run.

Hubs run as ``python -m hub serve`` processes; devices talk real HTTP, through a
byte-counting TCP proxy where bytes matter. Figures:

* wire bytes per contact (headers included) over raw JSON, batches of 1/10/100
* HTTP requests to push 10/100/1000 contacts
* hub ingest (contacts/s over HTTP) on SQLite and PostgreSQL, next to a plain bulk
  insert of the same rows into the same database
* p99 push latency, 10 and 50 devices pushing 100-contact batches across two hub
  processes on one PostgreSQL
* bytes of an idle sync; bytes re-sent after a cut link over the request's size

Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import statistics
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from app.errors import HubUnreachable
from app.store import KdfParams, MemorySecrets, Store, Vault
from app.sync import SyncEngine, connect, enroll_device
from bench._corpus import Corpus
from bench._proxy import CutPlan, TcpProxy
from bench._syncload import hub_processes, ingest, latency, new_code, pg_database


def _log(text: str) -> None:
    print(text, flush=True)


@dataclass
class VaultDevice:
    """A full device: vault, engine, client."""

    store: Store
    engine: SyncEngine

    def close(self) -> None:
        self.engine.client.close()
        self.store.close()


def _vault_device(db_url: str, hub_url: str, folder: Path) -> VaultDevice:
    vault = Vault(folder, secrets=MemorySecrets(), kdf=KdfParams(8 * 1024, 1, 1))
    store = vault.create("bench device passphrase")
    client = connect(hub_url)
    enroll_device(client, store, code=new_code(db_url))
    return VaultDevice(store, SyncEngine(store, client))


# -- wire bytes, requests, idle, resume ------------------------------------------------


def wire_and_requests(corpus: Corpus, folder: Path) -> dict[str, float]:
    """Everything measured through the byte-counting proxy on a SQLite hub."""
    out: dict[str, float] = {}
    url = f"sqlite:///{folder / 'wire.db'}"
    with hub_processes(url, folder) as (hub,):
        proxy = TcpProxy(hub.port)
        try:
            for n in (1, 10, 100):
                device = _vault_device(url, proxy.url, folder / f"w{n}")
                contacts = device.store.save_many(corpus.contacts(n))
                raw = sum(len(c.model_dump_json()) for c in contacts)
                proxy.reset()
                device.engine.run_once()
                wire = proxy.bytes_up + proxy.bytes_down
                out[f"wire_ratio_{n}"] = round(wire / raw, 3)
                out[f"wire_bytes_per_contact_{n}"] = round(wire / n)
                out[f"raw_json_bytes_per_contact_{n}"] = round(raw / n)
                device.close()
            for n in (10, 100, 1000):
                device = _vault_device(url, proxy.url, folder / f"r{n}")
                device.store.save_many(corpus.contacts(n))
                out[f"requests_{n}"] = device.engine.run_once().requests
                if n == 1000:
                    proxy.reset()
                    device.engine.run_once()
                    out["idle_bytes"] = proxy.bytes_up + proxy.bytes_down
                device.close()
            out.update(_resume(corpus, url, proxy, folder))
        finally:
            proxy.close()
    return out


def _first_request_bytes(device: VaultDevice, proxy: TcpProxy) -> int:
    """Run sync; return the client bytes the proxy saw by the end of round one."""
    seen: list[int] = []
    device.engine.run_once(progress=lambda _report: seen.append(proxy.bytes_up))
    return seen[0]


def _resume(
    corpus: Corpus, url: str, proxy: TcpProxy, folder: Path
) -> dict[str, float]:
    """Cut the link at points through one push: bytes sent twice / request size."""
    wastes = []
    for n, cut in enumerate((0.25, 0.5, 0.75, None)):
        probe = _vault_device(url, proxy.url, folder / f"probe{n}")
        probe.store.save_many(corpus.contacts(100))
        proxy.reset()
        size = _first_request_bytes(probe, proxy)
        probe.close()
        device = _vault_device(url, proxy.url, folder / f"cut{n}")
        device.store.save_many(corpus.contacts(100))
        proxy.reset()
        if cut is None:
            proxy.cut_next(CutPlan(downstream_after=60))
        else:
            proxy.cut_next(CutPlan(upstream_after=int(size * cut)))
        with contextlib.suppress(HubUnreachable):
            device.engine.run_once()
        sent_before_cut = proxy.bytes_up
        proxy.reset()
        request = _first_request_bytes(device, proxy)
        wastes.append(min(sent_before_cut, request) / request)
        device.close()
    return {
        "resume_waste": round(max(wastes), 3),
        "resume_waste_mean": round(statistics.mean(wastes), 3),
    }


# -- main ------------------------------------------------------------------------------


def main(argv: Sequence[str]) -> int:
    """Run every measurement; print a table and a final JSON line."""
    parser = argparse.ArgumentParser(prog="python -m bench sync")
    parser.add_argument("--seconds", type=float, default=8.0, help="per latency run")
    args = parser.parse_args(list(argv))
    corpus = Corpus()
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="parley-bench-") as tmp:
        folder = Path(tmp)
        _log("wire bytes, requests, idle sync, resume waste (SQLite hub, TCP proxy)")
        results.update(wire_and_requests(corpus, folder))
        _log("ingest over HTTP against a bulk insert: SQLite")
        rps, bulk = ingest(corpus, f"sqlite:///{folder / 'ingest.db'}", folder)
        results.update(ingest_sqlite_rps=round(rps), ingest_sqlite_bulk_rps=round(bulk))
        results["ingest_sqlite_ratio"] = round(rps / bulk, 3)
        _log("ingest over HTTP against a bulk insert: PostgreSQL")
        with pg_database() as url:
            rps, bulk = ingest(corpus, url, folder)
        results.update(ingest_pg_rps=round(rps), ingest_pg_bulk_rps=round(bulk))
        results["ingest_pg_ratio"] = round(rps / bulk, 3)
        _log("push latency, two hub processes on one PostgreSQL")
        with pg_database() as url:
            results.update(latency(corpus, url, folder, seconds=args.seconds))
    for key, value in results.items():
        _log(f"  {key:32} {value}")
    print(json.dumps(results, sort_keys=True))
    return 0

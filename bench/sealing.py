"""Cost of sealing a follow-up per recipient device, against one sealed box.

Usage: ``python -m bench sealing [--rounds R]``. A follow-up's private fields are
sealed to a team of N devices plus coordinators (:mod:`models.envelope`); the
baseline is what a contact batch costs today: one :func:`models.keys.seal` to
the records key. Prints a table, then one JSON line: per recipient count, the
seal and open time ratios against the baseline, and the envelope's bytes
against the plaintext ops it replaces.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
import uuid
from collections.abc import Callable, Sequence

import msgpack

from models.envelope import Author, Recipient, open_envelope, seal_envelope
from models.keys import box_public, new_key, open_sealed, pad, seal, signing_public
from models.wire import CERT_CONTEXT, Certificate, pack_signed, sign_model
from models.wire.private import SEALED_OP, pack_private, private_context

TEAMS = (1, 10, 50, 200)
_PRIVATE = {
    "contact_id": str(uuid.uuid4()),
    "actor_id": str(uuid.uuid4()),
    "title": "Call the commander back about the convoy at the bridge",
    "notes": "He asked for the list of vehicles two days ahead. " * 4,
    "due": "2026-05-01",
    "status": "open",
}


def _median_s(fn: Callable[[], object], rounds: int) -> float:
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _author(command: bytes) -> tuple[Author, bytes]:
    ed, x = new_key(), new_key()
    cert = Certificate(
        device="author",
        team="north",
        role="field",
        ed=signing_public(ed),
        x=box_public(x),
        issued=0,
        not_after=2**62,
    )
    signed = sign_model(command, cert, context=CERT_CONTEXT)
    return Author("author", ed, pack_signed(signed)), x


def _row(n: int, rounds: int, base_seal: float, base_open: float) -> dict[str, float]:
    command = new_key()
    author, author_x = _author(command)
    others = [Recipient(f"d{i}", box_public(new_key())) for i in range(n - 1)]
    recipients = [Recipient("author", box_public(author_x)), *others]
    context = private_context("follow_up", uuid.uuid4().hex, SEALED_OP)
    plain = pack_private(_PRIVATE)
    box = seal_envelope(recipients, plain, context=context, author=author)
    keys = {"author": author_x}
    pinned = signing_public(command)
    sealing = _median_s(
        lambda: seal_envelope(recipients, plain, context=context, author=author),
        rounds,
    )
    opening = _median_s(
        lambda: open_envelope(box, keys=keys, context=context, command_key=pinned),
        rounds,
    )
    ops = [
        (i, "follow_up", b"x" * 16, k, v, "h" * 24)
        for i, (k, v) in enumerate(_PRIVATE.items())
    ]
    return {
        "recipients": n,
        "seal_ms": round(sealing * 1000, 3),
        "seal_ratio": round(sealing / base_seal, 1),
        "open_ratio": round(opening / base_open, 1),
        "bytes": len(box),
        "bytes_ratio": round(len(box) / len(msgpack.packb(ops)), 1),
    }


def main(argv: Sequence[str]) -> int:
    """Measure and print the table and the JSON line."""
    parser = argparse.ArgumentParser(prog="python -m bench sealing")
    parser.add_argument("--rounds", type=int, default=50)
    args = parser.parse_args(list(argv))
    records = new_key()
    plain = pad(pack_private(_PRIVATE))
    box = seal(box_public(records), plain, aad=b"ctx")
    base_seal = _median_s(lambda: seal(box_public(records), plain, aad=b"ctx"), 200)
    base_open = _median_s(lambda: open_sealed(records, box, aad=b"ctx"), 200)
    rows = [_row(n, args.rounds, base_seal, base_open) for n in TEAMS]
    print("recipients  seal ms  seal/box  open/box  bytes  bytes/plain ops")
    for r in rows:
        print(
            f"{r['recipients']:>10}  {r['seal_ms']:>7}  {r['seal_ratio']:>8}"
            f"  {r['open_ratio']:>8}  {r['bytes']:>5}  {r['bytes_ratio']:>15}"
        )
    print(json.dumps({"baseline_seal_ms": round(base_seal * 1000, 3), "rows": rows}))
    return 0

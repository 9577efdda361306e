"""Sealing at save time: the batches a locked phone can still send.

While the vault is unlocked, every revision of a sealed kind (contacts and
checkpoint logs) is frozen at once into a batch of its own batch number, sealed to
the organisation's records key and signed by the device key, exactly as the
sync engine would have frozen it later. Each such batch is kept twice: in the
vault (``sync.queued``, the truth while unlocked) and in the send queue file
(:mod:`app.store.sendqueue`), which the courier reads while the vault is
locked. The engine sends queued batches first, in number order, and builds its
own (registry edits) after them.

The queue file also holds the courier's card (hub address, device id, the
courier certificate, the hub's command key) and the acknowledgements heard
while locked; :func:`apply_acks` applies them at the next unlock and rewrites
the file from the vault, which also clears whatever a killed process left.

Registry edits (actors, places, follow-ups) are never queued: the hub reads
part of them, and their private fields are sealed per recipient device from
the device directory at send time, so they wait for an unlock rather than lie
beside a locked vault.
"""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

import msgpack

from app.store import SecretStore, Store
from app.store.sendqueue import QueueFile, QueueFull
from app.sync.enroll import OFFSET_META
from app.sync.identity import Identity
from app.sync.outbox import INFLIGHT_META, LAST_SEQ_META, Frozen, build_batch
from app.sync.private import PrivateSealer
from app.sync.refusals import REFUSED_META, after_ack
from app.sync.retention import ACKED_META
from models import RECORD_TYPES
from models.keys import new_key, sign, signing_public
from models.wire import Ack
from models.wire.courier import courier_message

__all__ = [
    "COURIER_SECRET",
    "QUEUED_META",
    "QUEUE_BATCH_BYTES",
    "Card",
    "acked_state",
    "apply_acks",
    "drop_queued",
    "handover_inflight",
    "next_seq",
    "prepare_card",
    "queued_head",
    "seal_pending",
]

QUEUED_META = "sync.queued"
COURIER_SECRET = "courier.k"
# One queued batch: a few contacts; sent whole on any link, a cut loses little.
QUEUE_BATCH_BYTES = 12 * 1024


@dataclass(frozen=True)
class Card:
    """What the courier needs to reach the hub while the vault is locked."""

    url: str
    device: str
    pub: bytes
    cert: bytes
    command_key: bytes
    offset_ms: int

    def dump(self) -> dict[str, Any]:
        """For the queue file."""
        return {
            "url": self.url,
            "device": self.device,
            "pub": self.pub,
            "cert": self.cert,
            "cmd": self.command_key,
            "off": self.offset_ms,
        }

    @classmethod
    def load(cls, data: dict[str, Any]) -> Card:
        """Undo :meth:`dump`."""
        return cls(
            data["url"],
            data["device"],
            data["pub"],
            data["cert"],
            data["cmd"],
            int(data.get("off", 0)),
        )


def _now_ms() -> int:
    return time.time_ns() // 1_000_000


def _blank() -> dict[str, Any]:
    return {"v": 1, "card": None, "out": [], "acks": []}


def _queued(store: Store) -> list[list[Any]]:
    """The vault's queued batches: ``[seq, body, revs, sealed records]``, by seq."""
    found: list[list[Any]] = store.get_meta(QUEUED_META) or []
    return sorted(found, key=lambda e: int(e[0]))


def _frozen(entry: list[Any]) -> Frozen:
    seq, body, revs, sealed = entry
    return Frozen(int(seq), bytes(body), list(revs), list(sealed), queued=True)


def queued_head(store: Store) -> Frozen | None:
    """The queued batch to send next (the lowest number), or ``None``."""
    entries = _queued(store)
    return _frozen(entries[0]) if entries else None


def next_seq(store: Store) -> int:
    """The next free batch number: past the acknowledged, in-flight and queued."""
    last = int(store.get_meta(LAST_SEQ_META) or 0)
    inflight = store.get_meta(INFLIGHT_META)
    if inflight:
        last = max(last, int(inflight["seq"]))
    for entry in _queued(store):
        last = max(last, int(entry[0]))
    return last + 1


def prepare_card(
    store: Store, identity: Identity, queue: QueueFile, secrets: SecretStore
) -> Card:
    """Make the courier key (once) and write the courier's card into the queue.

    Raises:
        SecureStorageError, DiskFull: the key or the file cannot be written now.
    """
    key = secrets.get(COURIER_SECRET)
    if key is None:
        key = new_key()
        secrets.put(COURIER_SECRET, key)
    pub = signing_public(key)
    card = Card(
        url=identity.base_url,
        device=identity.device,
        pub=pub,
        cert=sign(identity.ed, courier_message(identity.device, pub)),
        command_key=identity.command_key,
        offset_ms=int(store.get_meta(OFFSET_META) or 0),
    )
    with queue.lock:
        content = queue.load() or _blank()
        if content.get("card") != card.dump():
            content["card"] = card.dump()
            queue.save(content)
    return card


def _write_out(queue: QueueFile, entries: list[list[Any]]) -> None:
    """Make the file's batches those of the vault (acks heard are kept)."""
    content = queue.load() or _blank()
    content["out"] = [[int(e[0]), bytes(e[1])] for e in entries]
    queue.save(content)


def seal_pending(store: Store, identity: Identity, queue: QueueFile) -> int:
    """Freeze every sealed-kind revision not yet queued or in flight; return how
    many batches were added. Stops quietly when the queue is full (those
    revisions then go with the engine's own batches).

    Raises:
        DiskFull, SecureStorageError: the queue cannot be written now.
    """
    with queue.lock:
        entries = _queued(store)
        taken = {r for e in entries for r in e[2]}
        inflight = store.get_meta(INFLIGHT_META)
        if inflight:
            taken |= set(inflight["revs"])
        fresh = [
            r
            for r in store.pending()
            if RECORD_TYPES[r.kind].sealed and str(r.rev) not in taken
        ]
        seq, added = next_seq(store), []
        while fresh:
            frozen = build_batch(
                store,
                identity,
                fresh,
                seq=seq,
                ctx=0,
                max_bytes=QUEUE_BATCH_BYTES,
                sealer=PrivateSealer(store, identity, now_ms=_now_ms()),
            )
            if frozen is None:  # pragma: no cover - fresh is never empty here
                break
            added.append([seq, frozen.body, frozen.revs, frozen.sealed_records])
            fresh = fresh[len(frozen.revs) :]
            seq += 1
        if not added:
            return 0
        try:
            _write_out(queue, entries + added)
        except QueueFull:
            return 0
        store.set_meta(QUEUED_META, entries + added)
        return len(added)


def handover_inflight(store: Store, queue: QueueFile) -> bool:
    """Move an in-flight batch with no registry op into the queue (at lock time),
    so the courier can send it and the batches queued after it. True if moved."""
    with queue.lock:
        data = store.get_meta(INFLIGHT_META)
        if not data:
            return False
        frozen = Frozen.from_meta(data)
        if _has_ops(frozen):
            return False
        entries = [
            *_queued(store),
            [frozen.seq, frozen.body, frozen.revs, frozen.sealed_records],
        ]
        entries.sort(key=lambda e: int(e[0]))
        try:
            _write_out(queue, entries)
        except QueueFull:
            return False
        store.ack([], state={QUEUED_META: entries, INFLIGHT_META: None})
        return True


def _has_ops(frozen: Frozen) -> bool:
    return bool(msgpack.unpackb(frozen.body, raw=False).get("ops"))


def acked_state(
    store: Store, frozen: Frozen, ack: Ack, *, now_ms: int
) -> dict[str, Any]:
    """The vault state to write with the acknowledgement of ``frozen``."""
    acked: dict[str, int] = store.get_meta(ACKED_META) or {}
    acked.update((rid, now_ms) for rid in frozen.sealed_records)
    sent, refused = frozen.refused(ack.rejects)
    last = max(frozen.seq, int(store.get_meta(LAST_SEQ_META) or 0))
    state: dict[str, Any] = {
        INFLIGHT_META: None,
        LAST_SEQ_META: last,
        ACKED_META: acked,
        REFUSED_META: after_ack(
            store.get_meta(REFUSED_META), sent=sent, refused=refused, now_ms=now_ms
        ),
    }
    if frozen.queued:
        rest = [e for e in _queued(store) if int(e[0]) != frozen.seq]
        state[QUEUED_META] = rest or None
    return state


def _kept(seq: int, dropped: set[int] | None) -> bool:
    return dropped is not None and seq not in dropped


def drop_queued(queue: QueueFile, seqs: set[int] | None = None) -> None:
    """Forget batches in the queue file (all when ``seqs`` is ``None``), and any
    acknowledgement stored for them. Does nothing when there is no queue."""
    with queue.lock:
        content = queue.load()
        if content is None:
            return
        content["out"] = [e for e in content["out"] if _kept(int(e[0]), seqs)]
        content["acks"] = [a for a in content["acks"] if _kept(int(a[0]), seqs)]
        queue.save(content)


def apply_acks(store: Store, queue: QueueFile, *, now_ms: int) -> int:
    """Apply the acknowledgements the courier heard while locked; return how many
    queued batches they closed. Then make the file's batches the vault's.

    Raises:
        DiskFull, SecureStorageError: the queue cannot be rewritten now (the
            acknowledgements stay in it for the next unlock).
    """
    with queue.lock:
        content = queue.load()
        if content is None:
            return 0
        done = 0
        by_seq = {int(e[0]): e for e in _queued(store)}
        for seq, status in sorted((int(a[0]), a[1]) for a in content["acks"]):
            ack = Ack(seq=seq, status=str(status))
            entry = by_seq.pop(seq, None)
            if entry is None:  # a batch the vault never recorded (killed mid-save)
                last = max(seq, int(store.get_meta(LAST_SEQ_META) or 0))
                store.ack([], state={LAST_SEQ_META: last})
                continue
            frozen = _frozen(entry)
            state = acked_state(store, frozen, ack, now_ms=now_ms)
            store.ack([uuid.UUID(r) for r in frozen.revs], state=state)
            done += 1
        content["acks"] = []
        content["out"] = [[s, bytes(e[1])] for s, e in sorted(by_seq.items())]
        queue.save(content)
        return done

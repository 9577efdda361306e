"""One sync run: rounds of push-one-batch-and-pull-pages until nothing is left.

Each round is one ``POST /v1/sync``. The batch is frozen in the vault before it
is sent; its acknowledgement, the outbox and the batch number change in one
transaction; each pulled page is applied with its cursor in one transaction. A
run cut at any point resumes where it stopped, and nothing is applied twice.
"""

from __future__ import annotations

import contextlib
import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field, replace

from app.errors import (
    AuthRequired,
    ContentError,
    DeviceRevoked,
    HubUnreachable,
    ProtocolError,
    Rejected,
)
from app.store import Store
from app.store.sendqueue import QueueFile
from app.sync.apply import CURSOR_META, apply_registry, apply_sealed, pending_overrides
from app.sync.client import HubClient
from app.sync.enroll import OFFSET_META
from app.sync.errors import BatchConflict, HubBusy, Revoked, StaleClock
from app.sync.exports import send_reports
from app.sync.identity import RECORDS_KEY_META, Identity, load_identity, sign_request
from app.sync.outbox import (
    HELD_META,
    INFLIGHT_META,
    LAST_SEQ_META,
    Frozen,
    build_batch,
)
from app.sync.pace import LinkPace
from app.sync.packs import PackInstaller, check_pack, is_wipe, verify_offer
from app.sync.private import PrivateOpener, PrivateSealer
from app.sync.queue import (
    QUEUED_META,
    acked_state,
    drop_queued,
    next_seq,
    queued_head,
)
from app.sync.refusals import kept_local
from app.sync.retention import purge_due
from app.sync.sealing import directory_version, has_directory, save_directory
from models import RECORD_TYPES, SyncedRecord
from models.wire import (
    UPLOAD_PATH,
    Ack,
    PackOffer,
    Push,
    Signed,
    SyncRequest,
    SyncResponse,
    UploadFrame,
    UploadRef,
    WireError,
    batch_digest,
    decode,
    encode,
    parse,
)

__all__ = [
    "HELD_META",
    "INFLIGHT_META",
    "LAST_SEQ_META",
    "SyncEngine",
    "SyncReport",
]

LAST_SUCCESS_META = "sync.last_success"
REFUSED_PACK_META = "sync.refused_pack"
_MAX_CONFLICTS = 3
log = logging.getLogger("parley.sync")


@dataclass
class SyncReport:
    """What a run did, for the progress bar and the status line."""

    requests: int = 0
    records_total: int = 0
    records_sent: int = 0
    bytes_sent: int = 0
    bytes_received: int = 0
    registry_applied: int = 0
    sealed_applied: int = 0
    unreadable: int = 0
    rejected: dict[str, int] = field(default_factory=dict)
    pack_installed: int | None = None
    pack_error: str | None = None
    purged: int = 0
    done: bool = False
    # Bytes of the batch in flight that the hub holds, and its size.
    batch_held: int = 0
    batch_size: int = 0
    # Exchanges that completed in this run (a cut run may still have moved data).
    exchanges: int = 0
    # Exports reported to the hub's audit log in this run.
    exports: int = 0


class SyncEngine:
    """Runs sync for one unlocked store against one hub."""

    def __init__(
        self,
        store: Store,
        client: HubClient,
        *,
        installer: PackInstaller | None = None,
        on_wipe: Callable[[], None] | None = None,
        pace: LinkPace | None = None,
        batch_bytes: int | None = None,
        max_rounds: int = 10_000,
        monotonic: Callable[[], float] = time.monotonic,
        queue: QueueFile | None = None,
    ) -> None:
        self.store = store
        self.client = client
        self.installer = installer
        self.on_wipe = on_wipe
        self.pace = pace or LinkPace()
        self.batch_bytes = batch_bytes
        self.max_rounds = max_rounds
        self.monotonic = monotonic
        self.queue = queue
        self.report = SyncReport()
        self._up_since: float | None = None
        self._told: int | None = None  # batch whose held count the hub just gave
        offset = store.get_meta(OFFSET_META)
        if offset is not None:
            store.clock.offset_ms = int(offset)

    def _now(self) -> int:
        return self.store.clock.physical_ms()

    def run_once(
        self, progress: Callable[[SyncReport], None] | None = None
    ) -> SyncReport:
        """Sync until the outbox is empty and every stream is caught up.

        Raises:
            AuthRequired: not enrolled, or the hub refused the signature.
            DeviceRevoked: revoked (after a verified wipe command, the vault is gone).
            HubUnreachable, Rejected, ProtocolError: the run stopped; rerun to resume.
        """
        identity = load_identity(self.store)
        if identity is None:
            raise AuthRequired("not_enrolled")
        report = SyncReport(records_total=self.store.pending_count())
        self.report = report
        self._up_since = None
        start = (
            self.client.requests,
            self.client.bytes_sent,
            self.client.bytes_received,
        )
        conflicts = 0
        refrozen = False
        for _ in range(self.max_rounds):
            try:
                more = self._round(identity, report)
            except HubUnreachable:
                if self._up_since is not None:
                    self.pace.cut(self.monotonic() - self._up_since)
                self._count(report, start)
                raise
            except BatchConflict as exc:
                conflicts += 1
                if conflicts > _MAX_CONFLICTS:
                    raise
                # Batches frozen after the hub's last are numbered afresh.
                self.store.ack(
                    [],
                    state={
                        INFLIGHT_META: None,
                        HELD_META: None,
                        LAST_SEQ_META: exc.last_batch_seq,
                        QUEUED_META: None,
                    },
                )
                if self.queue is not None:
                    drop_queued(self.queue)
                more = True
            except Rejected as exc:
                # A batch frozen before the hub's op cap: unfreeze it once, and
                # the next batch is built within the cap from the same records.
                if (exc.status, exc.reason) != (413, "too_many_ops") or refrozen:
                    raise
                refrozen = True
                self.store.ack([], state={INFLIGHT_META: None, HELD_META: None})
                more = True
            self._count(report, start)
            if progress is not None:
                progress(replace(report))
            if not more:
                break
        self._report_exports(identity, report)
        report.purged = purge_due(self.store, now_ms=self._now())
        self.store.set_meta(LAST_SUCCESS_META, self._now())
        report.done = True
        return report

    def _report_exports(self, identity: Identity, report: SyncReport) -> None:
        """Tell the hub's audit log about exports; a failure keeps them queued
        for the next run and does not undo the records this run moved."""
        try:
            report.exports = send_reports(
                self.store, self.client, identity, now_ms=self._now()
            )
        except (HubUnreachable, HubBusy, Rejected, ProtocolError) as exc:
            log.warning("export reports wait: %s", type(exc).__name__)

    def _count(self, report: SyncReport, start: tuple[int, int, int]) -> None:
        report.requests = self.client.requests - start[0]
        report.bytes_sent = self.client.bytes_sent - start[1]
        report.bytes_received = self.client.bytes_received - start[2]

    def _timed(self, nbytes: int, began: float) -> None:
        """An exchange finished: the link is up; learn its rate."""
        now = self.monotonic()
        if self._up_since is None:
            self._up_since = began
        self.pace.observe(nbytes, now - began)
        self.report.exchanges += 1

    # -- one round ------------------------------------------------------------------

    def _round(self, identity: Identity, report: SyncReport) -> bool:
        pending = self.store.pending()
        frozen = self._frozen(identity, pending)
        sent = set(frozen.revs) if frozen else set()
        left = [r for r in pending if str(r.rev) not in sent]
        registry_left = any(not RECORD_TYPES[r.kind].sealed for r in left)
        pull = self._cursors(identity, pull_registry=not registry_left)
        page = self.pace.page_bytes()
        resp: SyncResponse | None
        if frozen is not None and self._streams(frozen, report):
            resp = self._upload(identity, frozen, report, pull=pull, page=page)
            if resp is None:
                return True  # the hub holds more of the batch; go on
        else:
            push = Push(seq=frozen.seq, batch=frozen.body) if frozen else None
            # No timestamp in the body: a resent batch is the same bytes (the
            # request signature carries the time).
            req = SyncRequest(push=push, pull=pull, max=page)
            resp = self._exchange(identity, req)
            if frozen is not None:
                self._acked(frozen, resp.ack, report)
        more = self._apply(identity, resp, report)
        self._commands(identity, resp.cmds)
        self._packs(identity, resp.packs, report)
        if not has_directory(self.store):
            raise ProtocolError("directory")  # a hub that serves none: nothing sealed
        return bool(left) or more

    def _streams(self, frozen: Frozen, report: SyncReport) -> bool:
        """True when the batch goes through the resumable upload, not whole."""
        report.batch_size = len(frozen.body)
        report.batch_held = int(self.store.get_meta(HELD_META) or 0)
        return bool(report.batch_held) or len(frozen.body) > self.pace.whole_bytes()

    def _frozen(self, identity: Identity, pending: list[SyncedRecord]) -> Frozen | None:
        data = self.store.get_meta(INFLIGHT_META)
        if data:
            return Frozen.from_meta(data)
        if not has_directory(self.store):
            # Nothing is sealed before the first directory arrives (this round's
            # pull brings it): teammates would not be among the recipients.
            pending = [r for r in pending if not RECORD_TYPES[r.kind].private]
        with self.queue.lock if self.queue is not None else contextlib.nullcontext():
            # Batches sealed at save time go first, in number order.
            head = queued_head(self.store)
            if head is not None:
                return head
            seq = next_seq(self.store)
            ctx = int(self.store.get_meta(CURSOR_META["registry"]) or 0)
            frozen = build_batch(
                self.store,
                identity,
                pending,
                seq=seq,
                ctx=ctx,
                max_bytes=self.batch_bytes or self.pace.batch_bytes(),
                sealer=PrivateSealer(self.store, identity, now_ms=self._now()),
                resend=kept_local(self.store),
            )
            if frozen is not None:
                self.store.set_meta(INFLIGHT_META, frozen.to_meta())
            return frozen

    def _records_key(self) -> bytes | None:
        key: bytes | None = self.store.get_meta(RECORDS_KEY_META)
        return key

    def _cursors(self, identity: Identity, *, pull_registry: bool) -> dict[str, int]:
        pull: dict[str, int] = {}
        if pull_registry:
            pull["registry"] = int(self.store.get_meta(CURSOR_META["registry"]) or 0)
        if identity.coordinator and self._records_key() is not None:
            pull["sealed"] = int(self.store.get_meta(CURSOR_META["sealed"]) or 0)
        if self.installer is not None:
            pull["packs"] = self.installer.installed_version()
        pull["directory"] = directory_version(self.store)
        return pull

    def _exchange(self, identity: Identity, req: SyncRequest) -> SyncResponse:
        body = encode(req.dump())
        for attempt in range(2):
            auth = sign_request(
                identity, method="POST", path="/v1/sync", body=body, now_ms=self._now()
            )
            began, before = self.monotonic(), self.client.bytes_sent
            try:
                raw = self.client.sync(body, authorization=auth)
                self._timed(self.client.bytes_sent - before, began)
            except StaleClock as exc:
                self._observe_time(exc.server_time)
                if attempt:
                    raise
                continue
            except Revoked as exc:
                if exc.command is not None and is_wipe(identity, exc.command):
                    self._wipe()
                raise
            try:
                resp = parse(SyncResponse, decode(raw))
            except WireError:
                raise ProtocolError("body") from None
            self._observe_time(resp.st)
            return resp
        raise AuthRequired("stale_request")  # pragma: no cover - loop always returns

    def _observe_time(self, server_ms: int) -> None:
        clock = self.store.clock
        offset = server_ms - (clock.physical_ms() - clock.offset_ms)
        if abs(offset - clock.offset_ms) > 1000:
            clock.offset_ms = offset
            self.store.set_meta(OFFSET_META, offset)

    def _upload(
        self,
        identity: Identity,
        frozen: Frozen,
        report: SyncReport,
        *,
        pull: dict[str, int],
        page: int,
    ) -> SyncResponse | None:
        """Stream the batch from the byte the hub holds; keep each count it sends.

        Returns the hub's answer to the pulls once the batch is acknowledged,
        else ``None`` (the hub holds more than before; upload again). After a
        cut the next upload first asks the hub what it holds (one round trip on
        the same connection), so a cut loses only what was on the wire: about
        half a round trip of the link, plus two requests' headers.
        """
        body = frozen.body
        seen = [report.batch_held]

        def on_frame(frame: UploadFrame) -> None:
            if frame.done or frame.held == seen[0]:
                return
            seen[0] = report.batch_held = frame.held
            if self._up_since is None:
                self._up_since = began
            self.store.set_meta(HELD_META, frame.held)

        digest = batch_digest(body)

        def ref_at(off: int) -> UploadRef:
            return UploadRef(
                seq=frozen.seq,
                off=off,
                total=len(body),
                digest=digest,
                pull=pull,
                max=page,
            )

        def sign(ref: UploadRef) -> str:
            return sign_request(
                identity,
                method="POST",
                path=UPLOAD_PATH,
                body=ref.header().encode(),
                now_ms=self._now(),
            )

        for attempt in range(2):
            ref = ref_at(seen[0])
            # After a cut the hub holds more than its last count said (about one
            # round trip of bytes): ask first rather than send them again.
            ask = bool(seen[0]) and self._told != frozen.seq
            began, before = self.monotonic(), self.client.bytes_sent
            try:
                if ask:
                    last = self.client.resume_upload(
                        ref_at, body, sign=sign, on_frame=on_frame
                    )
                else:
                    last = self.client.upload(
                        ref,
                        body[ref.off :],
                        authorization=sign(ref),
                        on_frame=on_frame,
                    )
            except StaleClock as exc:
                self._observe_time(exc.server_time)
                if attempt:
                    raise
                continue
            except Revoked as exc:
                if exc.command is not None and is_wipe(identity, exc.command):
                    self._wipe()
                raise
            self._timed(self.client.bytes_sent - before, began)
            self._observe_time(last.st)
            if not last.done:
                seen[0] = report.batch_held = last.held
                self.store.set_meta(HELD_META, last.held)
                self._told = frozen.seq  # the hub's own count: no need to ask
                return None
            try:
                resp = parse(SyncResponse, decode(last.sync or b""))
            except WireError:
                raise ProtocolError("body") from None
            self._acked(frozen, last.ack, report)
            return resp
        raise AuthRequired("stale_request")  # pragma: no cover - loop always returns

    def _acked(self, frozen: Frozen, ack: Ack | None, report: SyncReport) -> None:
        if ack is None or ack.seq != frozen.seq:
            raise ProtocolError("ack")
        for _, code in ack.rejects:
            report.rejected[code] = report.rejected.get(code, 0) + 1
        state = acked_state(self.store, frozen, ack, now_ms=self._now())
        state[HELD_META] = None
        self.store.ack([uuid.UUID(r) for r in frozen.revs], state=state)
        if frozen.queued and self.queue is not None:
            drop_queued(self.queue, {frozen.seq})
        report.records_sent += len(frozen.revs)
        report.batch_held = report.batch_size = 0

    def _apply(
        self, identity: Identity, resp: SyncResponse, report: SyncReport
    ) -> bool:
        more = False
        if resp.registry is not None:
            overrides = {}
            if resp.registry.items:
                overrides = pending_overrides(self.store, self.store.pending())
            keep = frozenset(kept_local(self.store))
            opener = PrivateOpener(self.store, identity)
            done = apply_registry(
                self.store, resp.registry, overrides, opener=opener, keep=keep
            )
            report.registry_applied += done.new
            report.unreadable += done.unreadable
            more |= resp.registry.more
        if resp.directory is not None:
            save_directory(self.store, resp.directory)
        key = self._records_key()
        if resp.sealed is not None and key is not None:
            done = apply_sealed(self.store, resp.sealed, identity, key)
            report.sealed_applied += done.new
            report.unreadable += done.unreadable
            more |= resp.sealed.more
        return more

    def _commands(self, identity: Identity, cmds: list[Signed]) -> None:
        if any(is_wipe(identity, cmd) for cmd in cmds):
            self._wipe()
            raise DeviceRevoked("wiped")

    def _wipe(self) -> None:
        if self.on_wipe is not None:
            self.on_wipe()

    def _packs(
        self, identity: Identity, offer: PackOffer | None, report: SyncReport
    ) -> None:
        if offer is None or self.installer is None:
            return
        if offer.version == self.store.get_meta(REFUSED_PACK_META):
            return  # refused before: do not download it again on every sync
        try:
            manifest = verify_offer(
                identity, offer, installed=self.installer.installed_version()
            )
            path = f"/v1/packs/{manifest.version}"
            auth = sign_request(
                identity, method="GET", path=path, body=b"", now_ms=self._now()
            )
            data = self.client.download(path, authorization=auth)
            check_pack(manifest, data)
            self.installer.install(version=manifest.version, data=data)
        except ContentError as exc:
            report.pack_error = exc.detail or exc.code
            self.store.set_meta(REFUSED_PACK_META, offer.version)
            return
        report.pack_installed = manifest.version

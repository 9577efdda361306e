"""The hub's use cases, independent of HTTP: hello, enroll, sync, pack download."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, update

from hub import tables
from hub.auth import (
    DeviceKeys,
    DeviceRow,
    KeyCache,
    authenticate,
    claim_nonce,
    lock_device,
)
from hub.courier import check_courier_push
from hub.db import HubDb
from hub.devices import pending_commands
from hub.directory import directory_for
from hub.enrollment import enroll
from hub.errors import HubError
from hub.orgkeys import OrgKeys
from hub.packs import pack_body
from hub.pull import Reader, pack_offer, registry_page, sealed_page
from hub.push import CheckedPush, apply_push, check_push, store_sealed, stored_ack
from hub.quota import Quota, admit, precheck, record
from hub.settings import HubSettings
from hub.uploads import receive_part
from models.enums import Role
from models.wire import (
    Ack,
    AuthFields,
    EnrollRequest,
    EnrollResponse,
    HubHello,
    Push,
    Signed,
    Stream,
    SyncRequest,
    SyncResponse,
    UploadFrame,
    UploadRef,
    WireError,
    b64e,
    decode,
    encode,
    parse,
)

__all__ = ["Hub", "RequestInfo", "Upload", "now_ms"]


def now_ms() -> int:
    """The hub's clock in milliseconds."""
    return time.time_ns() // 1_000_000


@dataclass
class Upload:
    """An upload being received: who sends it, which batch, bytes held."""

    fields: AuthFields
    keys: DeviceKeys
    ref: UploadRef
    req: SyncRequest
    at: int = 0


@dataclass
class RequestInfo:
    """What the access log may say about a request: never a body."""

    device: str = "-"
    batch: int | None = None
    pushed: int = 0


class Hub:
    """One hub: its database, its keys, its settings."""

    def __init__(
        self,
        db: HubDb,
        keys: OrgKeys,
        settings: HubSettings,
        *,
        clock: Callable[[], int] = now_ms,
    ) -> None:
        self.db = db
        self.keys = keys
        self.settings = settings
        self.clock = clock
        # Test seam: called inside the push transaction, just before commit.
        self.before_commit: Callable[[], None] | None = None
        # Test seam: False makes a relay that applies anything (insider tests).
        self.enforce_authority = True
        self._cache = KeyCache()
        self._quota = Quota(
            ops_per_hour=settings.ops_per_hour,
            entries_per_device=settings.entries_per_device,
        )

    def hello(self) -> HubHello:
        """The public card a device reads before enrolling."""
        k = self.keys
        return HubHello(
            org=k.name,
            server_time=self.clock(),
            hub_key=b64e(k.hub_pub),
            command_key=b64e(k.command_pub),
            publish_key=b64e(k.publish_pub),
            records_key=b64e(k.records_pub),
        )

    def enroll(self, req: EnrollRequest) -> EnrollResponse:
        """Register a device against a single-use code."""
        return enroll(self.db, self.keys, req, now_ms=self.clock())

    def _auth(
        self,
        header: str | None,
        method: str,
        path: str,
        body: bytes,
        now: int,
        *,
        courier: str | None = None,
    ) -> tuple[AuthFields, DeviceKeys]:
        return authenticate(
            self.db,
            self._cache,
            header=header,
            method=method,
            path=path,
            body=body,
            now_ms=now,
            window_ms=self.settings.request_window_ms,
            courier=courier,
        )

    def sync(
        self,
        header: str | None,
        path: str,
        body: bytes,
        info: RequestInfo,
        *,
        courier: str | None = None,
    ) -> bytes:
        """Handle ``POST /v1/sync``: authenticate, push, then pull. Returns the body.

        ``courier`` is the courier certificate header of a request signed by the
        device's push-only key (:mod:`hub.courier`).
        """
        now = self.clock()
        fields, device = self._auth(header, "POST", path, body, now, courier=courier)
        info.device = device.id
        req = self._parse(body)
        self._check_streams(req, device)
        checked = None
        if req.push is not None:
            info.batch, info.pushed = req.push.seq, len(req.push.batch)
            if not req.push.is_part:
                checked = self._check(req.push, device, now)
                ops = len(checked.batch.ops)
                precheck(self.db, device.id, ops, self._quota, now_ms=now)
        if device.courier:
            check_courier_push(req, checked.batch if checked else None)
        ack, cmds, held = self._write(fields, device, req.push, checked, now)
        out = self._respond(req, device, ack, cmds, now)
        if held is not None:
            out = out.model_copy(update={"held": held})
        return encode(out.dump())

    def upload_start(
        self, header: str | None, path: str, ref: UploadRef, info: RequestInfo
    ) -> tuple[Upload, UploadFrame]:
        """Open ``POST /v1/upload``: authenticate (the signature covers ``ref``).

        Returns the upload to feed and the first frame: the stored ack (and the
        pulls) when the hub has the batch already, else the bytes it holds.

        Raises:
            HubError: as :meth:`sync`, and 409 ``batch_gap``/``batch_mismatch``.
        """
        now = self.clock()
        fields, keys = self._auth(header, "POST", path, ref.header().encode(), now)
        info.device, info.batch = keys.id, ref.seq
        req = SyncRequest(pull=ref.pull, max=ref.max)
        self._check_streams(req, keys)
        upload = Upload(fields, keys, ref, req)
        return upload, self.upload_feed(upload, b"", now=now, claim=True)

    def upload_feed(
        self,
        upload: Upload,
        data: bytes,
        *,
        now: int | None = None,
        claim: bool = False,
    ) -> UploadFrame:
        """Store the next bytes of an upload; apply the batch once it is whole and
        answer its pulls in the same frame."""
        when = self.clock() if now is None else now
        ref = upload.ref
        part = Push(
            seq=ref.seq, batch=data, off=upload.at, total=ref.total, digest=ref.digest
        )
        ack, cmds, held = self._write(
            upload.fields, upload.keys, part, None, when, claim=claim
        )
        if ack is None:
            upload.at = held or 0
            return UploadFrame(st=when, held=upload.at, cmds=cmds)
        upload.at = ref.total
        resp = self._respond(upload.req, upload.keys, ack, cmds, when)
        return UploadFrame(
            st=when,
            held=ref.total,
            ack=ack,
            cmds=cmds,
            done=True,
            sync=encode(resp.dump()),
        )

    def _check(self, push: Push, device: DeviceKeys, now: int) -> CheckedPush:
        return check_push(
            push,
            device,
            now_ms=now,
            max_future_ms=self.settings.max_future_ms,
            command_key=self.keys.command_pub,
            max_ops=self.settings.max_batch_ops,
        )

    def _parse(self, body: bytes) -> SyncRequest:
        try:
            req = parse(SyncRequest, decode(body, limit=self.settings.max_plain))
        except WireError as exc:
            status = 413 if exc.code == "too_large" else 400
            raise HubError(status, exc.code) from None
        if req.v != 1:
            raise HubError(400, "unsupported_version")
        return req

    def _check_streams(self, req: SyncRequest, device: DeviceKeys) -> None:
        for name in req.pull:
            try:
                stream = Stream(name)
            except ValueError:
                raise HubError(400, "unknown_stream") from None
            if stream is Stream.SEALED and device.role != Role.COORDINATOR.value:
                raise HubError(403, "stream_forbidden")

    def _write(
        self,
        fields: AuthFields,
        keys: DeviceKeys,
        push: Push | None,
        checked: CheckedPush | None,
        now: int,
        *,
        claim: bool = True,
    ) -> tuple[Ack | None, list[Signed], int | None]:
        window = self.settings.request_window_ms
        device = keys.id
        held: int | None = None
        with self.db.write() as conn:
            if claim:
                claim_nonce(self.db, conn, fields, now_ms=now, window_ms=window)
            row = lock_device(conn, device)
            ack = None
            seen: dict[str, int] = {"last_seen": now}
            if push is not None and push.is_part:
                ack, checked, held = self._part(conn, push, keys, row.last_batch, now)
            if checked is not None:
                checked, new = self._admit(conn, checked, row, now)
                ack = apply_push(
                    self.db,
                    conn,
                    checked,
                    row,
                    now_ms=now,
                    enforce=self.enforce_authority,
                )
                if ack.status == "applied":
                    seen["last_batch"] = ack.seq
                    rejected = {index for index, _ in ack.rejects}
                    record(
                        conn,
                        checked,
                        device=device,
                        created=new,
                        rejected=rejected,
                        now_ms=now,
                    )
            cmds = pending_commands(conn, device, now_ms=now) if row.cmd_pending else []
            devices = tables.devices
            conn.execute(update(devices).where(devices.c.id == device).values(**seen))
            if (
                checked is not None
                and ack is not None
                and ack.status == "applied"
                and ack.sealed
            ):
                store_sealed(self.db, conn, checked, row, now_ms=now)
            self._hold(checked)
        return ack, cmds, held

    def _admit(
        self, conn: Connection, checked: CheckedPush, row: DeviceRow, now: int
    ) -> tuple[CheckedPush, set[str]]:
        """The device's quotas, for a push that is the next batch."""
        if checked.push.seq != row.last_batch + 1:
            return checked, set()
        return admit(
            conn,
            checked,
            device=row.id,
            role=row.role,
            quota=self._quota,
            now_ms=now,
        )

    def _part(
        self, conn: Connection, push: Push, keys: DeviceKeys, last: int, now: int
    ) -> tuple[Ack | None, CheckedPush | None, int | None]:
        """One part of a batch: the stored ack, the whole batch, or bytes held."""
        assert push.digest is not None
        if push.seq <= last:
            return stored_ack(conn, keys.id, push.seq, push.digest, last), None, None
        if push.seq > last + 1:
            raise HubError(409, "batch_gap", last_batch_seq=last)
        got = receive_part(
            conn, push, keys.id, max_total=self.settings.max_body, now_ms=now
        )
        if isinstance(got, int):
            return None, None, got
        return None, self._check(Push(seq=push.seq, batch=got), keys, now), None

    def _hold(self, checked: CheckedPush | None) -> None:
        if checked is None:
            return
        if self.settings.test_commit_delay_ms:
            time.sleep(self.settings.test_commit_delay_ms / 1000)
        if self.before_commit is not None:
            self.before_commit()

    def _respond(
        self,
        req: SyncRequest,
        device: DeviceKeys,
        ack: Ack | None,
        cmds: list[Signed],
        now: int,
    ) -> SyncResponse:
        out = SyncResponse(st=now, ack=ack, cmds=cmds, hint=self.settings.sync_hint_s)
        if not req.pull:
            return out
        updates: dict[str, object] = {}
        with self.db.read() as conn:
            if Stream.REGISTRY.value in req.pull:
                updates["registry"] = registry_page(
                    conn,
                    req.pull[Stream.REGISTRY.value],
                    req.max,
                    Reader(device.team, device.role == Role.COORDINATOR.value),
                )
            if Stream.SEALED.value in req.pull:
                updates["sealed"] = sealed_page(
                    conn, req.pull[Stream.SEALED.value], req.max
                )
            if Stream.PACKS.value in req.pull:
                updates["packs"] = pack_offer(conn, req.pull[Stream.PACKS.value])
            if Stream.DIRECTORY.value in req.pull:
                updates["directory"] = directory_for(
                    conn,
                    team=device.team,
                    role=device.role,
                    cursor=req.pull[Stream.DIRECTORY.value],
                )
        return out.model_copy(update=updates)

    def pack(
        self, header: str | None, path: str, version: int, info: RequestInfo
    ) -> bytes:
        """Handle ``GET /v1/packs/{version}`` for an enrolled device."""
        now = self.clock()
        fields, device = self._auth(header, "GET", path, b"", now)
        info.device = device.id
        with self.db.write() as conn:
            window = self.settings.request_window_ms
            claim_nonce(self.db, conn, fields, now_ms=now, window_ms=window)
            lock_device(conn, device.id)  # a revoked device gets its 403 here too
        return pack_body(self.db, version)

    def close(self) -> None:
        """Release the database."""
        self.db.close()

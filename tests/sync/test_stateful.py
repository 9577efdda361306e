"""Property: several devices, random offline edits, dropped requests and answers, hub
restarts. After everyone syncs, replicas agree, no acknowledged op is lost, nothing
is duplicated, and concurrent contact edits show as conflicts."""

from __future__ import annotations

import contextlib
import datetime
import io
import shutil
import tempfile
import uuid
from pathlib import Path

import msgpack
import zstandard
from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, precondition, rule
from sqlalchemy import select

from app.errors import HubUnreachable
from hub import tables
from models import Actor, Contact
from models.enums import Role, Stance
from models.keys import open_sealed, unpad, unwrap_secret
from models.wire import seal_aad
from tests.hub.support import (
    ORG_PASSPHRASE,
    Device,
    FlakyTransport,
    LiveHub,
    enroll,
    flaky_client,
    make_hub,
    reopen_hub,
)

ROLES = [
    (Role.FIELD, "north"),
    (Role.FIELD, "south"),
    (Role.COORDINATOR, "hq"),
    (Role.COORDINATOR, "hq"),
]
FIELD = [0, 1]
COORDINATORS = [2, 3]
META = {"rev", "parents", "hlc", "device"}


class SyncMachine(RuleBasedStateMachine):
    """Four devices (two field, two coordinators) against one hub."""

    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="parley-stateful-"))
        self.url = f"sqlite:///{self.tmp / 'hub.db'}"
        self.hub = make_hub(self.url)
        self.live = LiveHub(self.hub)
        self.devices: list[Device] = []
        self.transports: list[FlakyTransport] = []
        for n, (role, team) in enumerate(ROLES):
            client, transport = flaky_client(self.live.url)
            self.devices.append(
                enroll(
                    self.hub,
                    self.live.url,
                    self.tmp / f"d{n}",
                    role=role,
                    team=team,
                    client=client,
                )
            )
            self.transports.append(transport)
        self.graph: dict[uuid.UUID, dict[uuid.UUID, list[uuid.UUID]]] = {}
        self.authors: dict[uuid.UUID, int] = {}
        self.counter = 0

    def _note(self) -> str:
        self.counter += 1
        return f"note {self.counter}"

    def _track(self, record: Contact) -> None:
        self.graph.setdefault(record.id, {})[record.rev] = list(record.parents)

    # -- offline edits ----------------------------------------------------------------

    @rule(who=st.sampled_from(FIELD))
    def record_contact(self, who: int) -> None:
        saved = self.devices[who].store.save(
            Contact(on=datetime.date(2024, 5, 1), notes=self._note())
        )
        self.authors[saved.id] = who
        self._track(saved)

    @precondition(lambda self: bool(self.authors))
    @rule(data=st.data())
    def author_edits_contact(self, data: st.DataObject) -> None:
        record_id = data.draw(st.sampled_from(sorted(self.authors)))
        store = self.devices[self.authors[record_id]].store
        entry = store.get(record_id)
        assert entry is not None
        self._track(store.save(entry.record.model_copy(update={"notes": self._note()})))  # type: ignore[arg-type]

    @rule(who=st.sampled_from(COORDINATORS), data=st.data())
    def coordinator_edits_contact(self, who: int, data: st.DataObject) -> None:
        held = self.devices[who].store.records(Contact)
        if not held:
            return
        chosen = data.draw(st.sampled_from(sorted(held, key=lambda c: str(c.id))))
        self._track(
            self.devices[who].store.save(
                chosen.model_copy(update={"notes": self._note()})
            )
        )

    @rule(who=st.sampled_from(range(4)))
    def create_actor(self, who: int) -> None:
        self.devices[who].store.save(
            Actor(name=f"Unit {self._note()}", aliases=[f"a{self.counter}"])
        )

    @rule(
        who=st.sampled_from(range(4)),
        stance=st.sampled_from(list(Stance)),
        data=st.data(),
    )
    def edit_actor(self, who: int, stance: Stance, data: st.DataObject) -> None:
        held = self.devices[who].store.records(Actor)
        if not held:
            return
        chosen = data.draw(st.sampled_from(sorted(held, key=lambda a: str(a.id))))
        aliases = [*chosen.aliases[1:], f"x{self.counter}"]
        self.devices[who].store.save(
            chosen.model_copy(update={"stance": stance, "aliases": aliases})
        )

    # -- the network and the hub -------------------------------------------------------

    @rule(
        who=st.sampled_from(range(4)),
        fault=st.sampled_from([None, None, "request", "response"]),
        after=st.integers(0, 2),
    )
    def sync(self, who: int, fault: str | None, after: int) -> None:
        transport = self.transports[who]
        transport.faults = [None] * after + [fault]
        with contextlib.suppress(HubUnreachable):
            self.devices[who].sync()
        transport.faults = []

    @rule()
    def restart_hub(self) -> None:
        self.live.stop(wait=True)
        keys = self.hub.keys
        self.hub.close()
        self.hub = reopen_hub(self.url, keys)
        self.live = LiveHub(self.hub, port=self.live.port)

    # -- after everyone syncs ----------------------------------------------------------

    def teardown(self) -> None:
        try:
            for _ in range(2):
                for device in self.devices:
                    device.sync()
            self._check()
        finally:
            for device in self.devices:
                device.client.close()
                device.store.close()
            self.live.stop()
            self.hub.close()
            shutil.rmtree(self.tmp, ignore_errors=True)

    def _check(self) -> None:
        for device in self.devices:
            assert device.store.pending_count() == 0
        # What the hub reads converges everywhere; each team's sealed fields
        # (an actor's notes, influence, stance) among that team's devices.
        shared = [self._registry(d, exclude=META | Actor.private) for d in self.devices]
        assert all(r == shared[0] for r in shared)
        for team in {team for _, team in ROLES}:
            mine = [
                self._registry(d, exclude=META)
                for d, (_, t) in zip(self.devices, ROLES, strict=True)
                if t == team
            ]
            assert all(r == mine[0] for r in mine)
        self._check_contacts()
        self._check_hub_once()

    @staticmethod
    def _registry(device: Device, *, exclude: set[str]) -> list[dict[str, object]]:
        return sorted(
            (
                a.model_dump(exclude=exclude)
                for a in device.store.records(Actor, include_deleted=True)
            ),
            key=lambda doc: str(doc["id"]),
        )

    def _expected_heads(self, record_id: uuid.UUID) -> set[uuid.UUID]:
        revs = self.graph[record_id]
        replaced = {p for parents in revs.values() for p in parents}
        return set(revs) - replaced

    def _check_contacts(self) -> None:
        for n in COORDINATORS:
            store = self.devices[n].store
            assert {e.record.id for e in store.entries([Contact.kind])} == set(
                self.graph
            )
            for record_id, revs in self.graph.items():
                entry = store.get(record_id)
                assert entry is not None
                assert {r.rev for r in store.history(record_id)} == set(revs)
                assert set(entry.heads) == self._expected_heads(record_id)
                assert entry.conflict == (len(entry.heads) > 1)
        for n in FIELD:
            mine = {rid for rid, author in self.authors.items() if author == n}
            assert {c.id for c in self.devices[n].store.records(Contact)} == mine

    def _check_hub_once(self) -> None:
        """Each revision is in exactly one stored sealed batch: none lost or doubled."""
        key = unwrap_secret(self.hub.keys.records_wrapped, ORG_PASSPHRASE)
        with self.hub.db.read() as conn:
            rows = conn.execute(select(tables.sealed)).all()
        stored: list[str] = []
        for row in rows:
            plain = open_sealed(key, bytes(row.ct), aad=seal_aad(row.device, row.batch))
            data = (
                zstandard.ZstdDecompressor()
                .stream_reader(io.BytesIO(unpad(plain)))
                .read()
            )
            stored += [
                Contact.model_validate_json(doc).rev.hex
                for _, doc in msgpack.unpackb(data)
            ]
        assert len(stored) == len(set(stored))
        assert set(stored) == {rev.hex for revs in self.graph.values() for rev in revs}


SyncMachine.TestCase.settings = settings(
    max_examples=8,
    stateful_step_count=25,
    deadline=None,
    # No shrinking: a failure prints its steps; shrinking a stateful run takes minutes.
    phases=[Phase.explicit, Phase.reuse, Phase.generate],
    suppress_health_check=[HealthCheck.too_slow],
)
test_replicas_converge_after_faults_and_restarts = SyncMachine.TestCase

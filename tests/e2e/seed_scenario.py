"""The coordination scenario's devices, enrolled with a real hub before the browser.

North and south (field) meet one armed group on the same issue, south under
another spelling of its name and with a staff-safety flag; each syncs. The
coordinator's vault is enrolled with the organisation passphrase and synced, so
it holds both teams' contacts as after a real day's work.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from app.main import build_gate
from app.services import ActorForm, Services
from app.settings import Settings
from bench._hubproc import HubProcess
from hub.db import HubDb
from hub.enrollment import create_code
from hub.service import now_ms
from models import Contact
from models.enums import Approach, Level, ProtectionIssue, RiskFlag, Role
from tests.conftest import FAST_KDF

ORG_PASSPHRASE = "organisation passphrase for browser tests"
NAME = "Jaish al-Mahdi"
ALIAS = "Jaysh el Mahdy"


@contextmanager
def opened(data_dir: Path, passphrase: str) -> Iterator[Services]:
    """The vault in ``data_dir`` unlocked (created on first use), closed after."""
    gate = build_gate(Settings(data_dir=data_dir), kdf=FAST_KDF)
    services = (
        gate.unlock(passphrase)
        if gate.exists()
        else gate.create(passphrase, passphrase)
    )
    try:
        assert services.wait_ready(15)
        yield services
    finally:
        services.close()


def sync(services: Services) -> None:
    """One full sync, waited for."""
    services.sync.sync_now()
    assert services.sync.wait_idle(30)


def enroll(services: Services, hub: HubProcess, *, team: str, role: Role) -> None:
    """Enroll with a fresh code, as the coordinator would hand it out."""
    db = HubDb(hub.database_url)
    try:
        code = create_code(db, team=team, role=role, ttl_ms=3_600_000, now_ms=now_ms())
    finally:
        db.close()
    passphrase = ORG_PASSPHRASE if role is Role.COORDINATOR else None
    services.enroll.connect(address=hub.url, code=code, org_passphrase=passphrase)


def seed_scenario(
    hub: HubProcess, dirs: dict[str, Path], passphrase: str, *, today: dt.date
) -> None:
    """Enroll ``north``, ``south`` and ``coord``; the field teams record and sync,
    then the coordinator syncs."""
    met = today - dt.timedelta(days=6)
    for team, name, extra in (
        (
            "south",
            ALIAS,
            {
                "on": met,
                "level": Level.SENIOR,
                "approaches": [Approach.INTERNATIONAL_LAW],
                "risks": [RiskFlag.STAFF_SAFETY],
            },
        ),
        (
            "north",
            NAME,
            {
                "on": met + dt.timedelta(days=3),
                "level": Level.LOCAL,
                "approaches": [Approach.QUID_PRO_QUO],
            },
        ),
    ):
        with opened(dirs[team], passphrase) as services:
            enroll(services, hub, team=team, role=Role.FIELD)
            sync(services)  # the other team's actor entries, if any, arrive first
            actor = services.actors.save(ActorForm(name=name, actor_type="militia"))
            services._store.save(
                Contact(
                    actor_id=uuid.UUID(actor),
                    issues=[ProtectionIssue.DETENTION],
                    **extra,
                )
            )
            sync(services)
    with opened(dirs["coord"], passphrase) as services:
        enroll(services, hub, team="hq", role=Role.COORDINATOR)
        sync(services)
        assert len(services.coordination.overview().actors) == 2

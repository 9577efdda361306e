"""Enrollment: single-use codes, proof of both keys, certificates, the records key."""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from app.errors import AuthRequired, ValidationFailed
from app.sync import connect, enroll_device, load_identity, unlock_records_key
from app.sync.enroll import enroll_request
from app.sync.identity import RECORDS_KEY_META
from hub import tables
from hub.enrollment import create_code
from hub.service import Hub, now_ms
from models.enums import Role
from models.keys import box_public, new_key, signing_public
from models.wire import (
    CERT_CONTEXT,
    Certificate,
    EnrollRequest,
    b64d,
    b64e,
    open_signed,
    unpack_signed,
)
from tests.hub.conftest import DeviceFactory
from tests.hub.support import ORG_PASSPHRASE, LiveHub, new_vault

HOUR = 3_600_000


def _code(hub: Hub, role: Role = Role.FIELD, ttl: int = HOUR) -> str:
    return create_code(hub.db, team="north", role=role, ttl_ms=ttl, now_ms=now_ms())


def test_enrolled_device_holds_a_hub_signed_certificate_and_pins_hub_keys(
    devices: DeviceFactory, hub: Hub
) -> None:
    identity = load_identity(devices("a").store)
    assert identity is not None
    cert = open_signed(
        hub.keys.command_pub,
        unpack_signed(identity.cert),
        Certificate,
        context=CERT_CONTEXT,
    )
    assert (cert.device, cert.team, cert.role) == (identity.device, "north", "field")
    assert cert.ed == signing_public(identity.ed) and cert.x == box_public(identity.x)
    assert identity.command_key == hub.keys.command_pub
    assert identity.publish_key == hub.keys.publish_pub
    assert identity.records_key == hub.keys.records_pub


def test_enrollment_code_works_once(hub: Hub, live: LiveHub, tmp_path: Path) -> None:
    code = _code(hub)
    client = connect(live.url)
    try:
        enroll_device(client, new_vault(tmp_path / "a")[1], code=code)
        with pytest.raises(AuthRequired) as err:
            enroll_device(client, new_vault(tmp_path / "b")[1], code=code)
    finally:
        client.close()
    assert err.value.detail == "code_used"


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda hub: _code(hub, ttl=-1), "code_expired"),
        (lambda hub: "AAAA-BBBB-CCCC-DDDD", "unknown_code"),
    ],
)
def test_expired_or_unknown_code_is_refused(
    make: object, reason: str, hub: Hub, live: LiveHub, tmp_path: Path
) -> None:
    client = connect(live.url)
    store = new_vault(tmp_path / "a")[1]
    try:
        with pytest.raises(AuthRequired) as err:
            enroll_device(client, store, code=make(hub))  # type: ignore[operator]
    finally:
        client.close()
    assert err.value.detail == reason
    assert load_identity(store) is None


def test_enrollment_without_proof_of_the_keys_is_refused_and_keeps_the_code(
    hub: Hub, http: httpx.Client
) -> None:
    code = _code(hub)
    ed, x = new_key(), new_key()
    forged = EnrollRequest(
        code=code,
        ed25519=b64e(signing_public(ed)),
        x25519=b64e(box_public(x)),
        signature=b64e(bytes(64)),
        proof=b64e(bytes(32)),
    )
    resp = http.post("/v1/enroll", json=forged.model_dump())
    assert resp.status_code == 400 and resp.json()["code"] == "bad_proof"
    with hub.db.read() as conn:
        used = conn.execute(select(tables.enroll_codes.c.used_at)).scalar()
    assert used is None


def test_coordinator_unlocks_the_records_key_with_the_org_passphrase(
    devices: DeviceFactory, hub: Hub
) -> None:
    store = devices("coord", role=Role.COORDINATOR).store
    key = store.get_meta(RECORDS_KEY_META)
    assert key is not None and box_public(key) == hub.keys.records_pub


def test_wrong_org_passphrase_leaves_the_key_locked_until_retried(
    hub: Hub, live: LiveHub, tmp_path: Path
) -> None:
    store = new_vault(tmp_path / "c")[1]
    client = connect(live.url)
    try:
        with pytest.raises(ValidationFailed) as err:
            enroll_device(
                client,
                store,
                code=_code(hub, Role.COORDINATOR),
                org_passphrase="not it at all",
            )
    finally:
        client.close()
    assert err.value.fields == {"org_passphrase": "wrong"}
    assert load_identity(store) is not None
    assert store.get_meta(RECORDS_KEY_META) is None
    unlock_records_key(store, ORG_PASSPHRASE)
    assert store.get_meta(RECORDS_KEY_META) is not None


def test_field_device_receives_no_records_key(devices: DeviceFactory) -> None:
    store = devices("a").store
    assert store.get_meta(RECORDS_KEY_META) is None
    with pytest.raises(ValidationFailed):
        unlock_records_key(store, ORG_PASSPHRASE)


def test_enroll_response_wraps_the_records_key_only_for_coordinators(
    hub: Hub, http: httpx.Client
) -> None:
    hello = http.get("/v1/hello").json()
    for role, wrapped in ((Role.FIELD, False), (Role.COORDINATOR, True)):
        req = enroll_request(
            _code(hub, role), new_key(), new_key(), b64d(hello["hub_key"])
        )
        body = http.post("/v1/enroll", json=req.model_dump()).json()
        assert (body["records_key_wrapped"] is not None) is wrapped

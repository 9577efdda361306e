"""The hub's audit log: actions append chained entries; tampering is found."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import Connection, delete, select, update

from hub import audit, tables
from hub.audit import entries, verify_chain
from hub.cli import main
from hub.db import HubDb
from hub.devices import revoke, wipe
from hub.packs import publish
from hub.service import Hub
from models.keys import new_key
from tests.hub.conftest import DeviceFactory

PASSPHRASE = "a long organisation passphrase"


def _add_device(conn: Connection, device: str, team: str = "north") -> None:
    conn.execute(
        tables.devices.insert().values(
            id=device,
            team=team,
            role="field",
            ed_pub=b"",
            x_pub=b"",
            cert=b"",
            status="active",
            enrolled_at=1,
            last_batch=0,
            cmd_pending=False,
        )
    )


def _actions(db: HubDb) -> list[str]:
    return [e.action for e in entries(db)]


def test_each_audited_action_appends_one_entry_in_order(
    hub: Hub, devices: DeviceFactory
) -> None:
    devices("field", team="south")
    with hub.db.read() as conn:
        enrolled = conn.execute(select(tables.devices.c.id)).scalar_one()
    revoke(hub.db, hub.keys, enrolled, now_ms=2)
    with hub.db.write() as conn:
        _add_device(conn, "bb" * 16)
    wipe(hub.db, hub.keys, "bb" * 16, now_ms=3)
    publish(hub.db, hub.keys, b"pack bytes", version=4, now_ms=4)
    found = entries(hub.db)
    assert [e.action for e in found] == ["init", "enroll", "revoke", "wipe", "publish"]
    assert [e.seq for e in found] == [1, 2, 3, 4, 5]
    assert found[1].details() == {"team": "south", "role": "field"}
    assert found[3].details() == {"team": "north", "role": "field"}
    assert found[4].details()["version"] == 4
    assert verify_chain(hub.db, command_pub=hub.keys.command_pub) == (5, None)


def test_an_action_that_fails_leaves_no_entry(hub: Hub) -> None:
    publish(hub.db, hub.keys, b"pack", version=2, now_ms=1)
    with pytest.raises(ValueError):
        publish(hub.db, hub.keys, b"pack", version=2, now_ms=2)
    assert _actions(hub.db) == ["init", "publish"]


def test_an_entry_rolls_back_with_its_action(hub: Hub) -> None:
    with pytest.raises(RuntimeError), hub.db.write() as conn:
        audit.append(
            conn, hub.keys.command_sk, action="wipe", actor="t", subject="x", at=1
        )
        raise RuntimeError("the action failed after its entry was written")
    assert _actions(hub.db) == ["init"]
    assert verify_chain(hub.db, command_pub=hub.keys.command_pub) == (1, None)


def test_concurrent_actions_keep_one_unbroken_chain(hub: Hub) -> None:
    ids = [f"{n:02d}" * 16 for n in range(12)]
    with hub.db.write() as conn:
        for device in ids:
            _add_device(conn, device)
    errors: list[BaseException] = []

    def act(device: str) -> None:
        try:
            wipe(hub.db, hub.keys, device, now_ms=5)
        except BaseException as exc:  # reported below, not swallowed
            errors.append(exc)

    threads = [threading.Thread(target=act, args=(d,)) for d in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert verify_chain(hub.db, command_pub=hub.keys.command_pub) == (13, None)
    assert sorted(e.subject for e in entries(hub.db)[1:]) == sorted(ids)


# -- the command line, and tampering (acceptance 4) ----------------------------------


@pytest.fixture
def org(
    database_url: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> Iterator[tuple[str, HubDb]]:
    """An organisation made with the CLI, with six audit entries."""
    monkeypatch.setenv("PARLEY_HUB_KEY_FILE", str(tmp_path / "keys" / "hub.key"))
    monkeypatch.setenv("PARLEY_ORG_PASSPHRASE", PASSPHRASE)
    assert _run(database_url, "init", "--kdf-memory-kib", "8192") == 0
    pack = tmp_path / "pack.bin"
    pack.write_bytes(b"guidance")
    for _ in range(3):
        assert _run(database_url, "publish-guidance", str(pack)) == 0
    db = HubDb(database_url)
    with db.write() as conn:
        _add_device(conn, "aa" * 16)
        _add_device(conn, "bb" * 16)
    assert _run(database_url, "revoke", "aaaa") == 0
    assert _run(database_url, "wipe", "bbbb") == 0
    yield database_url, db
    db.close()


def _run(url: str, *args: str) -> int:
    return main(["--database-url", url, *args])


def test_verify_passes_on_an_untouched_log(
    org: tuple[str, HubDb], capsys: pytest.CaptureFixture[str]
) -> None:
    url, _ = org
    capsys.readouterr()
    assert _run(url, "audit", "verify") == 0
    assert "holds: 6 entries" in capsys.readouterr().out


def test_show_prints_readable_lines_newest_last(
    org: tuple[str, HubDb], capsys: pytest.CaptureFixture[str]
) -> None:
    url, _ = org
    capsys.readouterr()
    assert _run(url, "audit", "show") == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:3] == ["#", "when", "(UTC)"]
    assert "organisation created" in lines[1]
    assert "guidance published" in lines[2] and "version=1" in lines[2]
    assert "device revoked" in lines[5] and "aa" * 16 in lines[5]
    assert "device wipe queued" in lines[6] and "team=north" in lines[6]
    assert _run(url, "audit", "show", "--last", "1") == 0
    assert len(capsys.readouterr().out.splitlines()) == 2
    assert _run(url, "audit", "show", "--action", "publish") == 0
    assert capsys.readouterr().out.count("guidance published") == 3


def _set(**values: object) -> Callable[[Connection, int], None]:
    def tamper(conn: Connection, seq: int) -> None:
        t = tables.audit_log
        conn.execute(update(t).where(t.c.seq == seq).values(**values))

    return tamper


def _delete(conn: Connection, seq: int) -> None:
    conn.execute(delete(tables.audit_log).where(tables.audit_log.c.seq == seq))


def _swap_with_next(conn: Connection, seq: int) -> None:
    t = tables.audit_log
    rows = {
        r.seq: r._asdict()
        for r in conn.execute(select(t).where(t.c.seq.in_([seq, seq + 1])))
    }
    for mine, theirs in ((seq, seq + 1), (seq + 1, seq)):
        values = {k: v for k, v in rows[theirs].items() if k != "seq"}
        conn.execute(update(t).where(t.c.seq == mine).values(**values))


def _rechain_without_the_key(conn: Connection, seq: int) -> None:
    """What someone with the database but not the hub key file could do."""
    t = tables.audit_log
    forged = new_key()
    conn.execute(update(t).where(t.c.seq == seq).values(subject="someone else"))
    rows = conn.execute(select(t).where(t.c.seq >= seq).order_by(t.c.seq)).all()
    prev = bytes(conn.execute(select(t.c.hash).where(t.c.seq == seq - 1)).scalar_one())
    conn.execute(delete(t).where(t.c.seq >= seq))
    conn.execute(update(tables.audit_head).values(seq=seq - 1, hash=prev, sig=b""))
    for row in rows:
        audit.append(
            conn,
            forged,
            action=row.action,
            actor=row.actor,
            subject=row.subject,
            at=row.at,
            detail=_loads(row.detail),
        )


def _loads(text: str) -> dict[str, str | int | bool | None]:
    import json

    found: dict[str, str | int | bool | None] = json.loads(text)
    return found


def _empty(conn: Connection, _seq: int) -> None:
    conn.execute(delete(tables.audit_log))
    conn.execute(update(tables.audit_head).values(seq=0, hash=audit.GENESIS, sig=b""))


@pytest.mark.parametrize(
    ("tamper", "seq", "named", "why"),
    [
        (_set(detail='{"version":9}'), 3, 3, "changed"),
        (_set(actor="nobody"), 1, 1, "changed"),
        (_set(at=1), 6, 6, "changed"),
        (_set(action="enroll"), 5, 5, "changed"),
        (_set(hash=bytes(32)), 4, 4, "changed"),
        (_delete, 3, 3, "missing"),
        (_delete, 6, 6, "missing"),
        (_swap_with_next, 2, 2, "changed"),
        (_rechain_without_the_key, 4, 4, "signature"),
        (_empty, 0, 1, "missing"),
    ],
    ids=[
        "detail-changed",
        "actor-changed",
        "time-changed",
        "action-changed",
        "hash-changed",
        "middle-deleted",
        "last-deleted",
        "reordered",
        "rechained-without-key",
        "emptied",
    ],
)
def test_verify_fails_and_names_the_first_tampered_entry(
    org: tuple[str, HubDb],
    capsys: pytest.CaptureFixture[str],
    tamper: Callable[[Connection, int], None],
    seq: int,
    named: int,
    why: str,
) -> None:
    url, db = org
    with db.write() as conn:
        tamper(conn, seq)
    capsys.readouterr()
    assert _run(url, "audit", "verify") == 1
    err = capsys.readouterr().err
    assert f"audit log broken at entry {named}:" in err
    assert why in err
    assert "Traceback" not in err

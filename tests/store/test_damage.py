"""Damage and accidents: corrupt files, full disk, killed process, old schemas."""

from __future__ import annotations

import hashlib
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import delete, event, insert, select

from app.errors import DiskFull, MigrationFailed, VaultCorrupt
from app.store import Store, Vault, tables
from app.store import migrations as migrations_module
from app.store import vault as vault_module
from app.store.engine import Database
from app.store.keyfile import SLOT_SIZE
from app.store.records import HeadState, pack_revision
from models import Actor, Contact, SyncedRecord
from tests.conftest import PASSPHRASE
from tests.factories import make_actor, make_contact

ROOT = Path(__file__).resolve().parents[2]


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("damage", ["truncate", "extend", "empty"])
def test_damaged_keyfile_gives_clear_error_and_is_left_alone(
    vault: Vault, damage: str
) -> None:
    vault.create(PASSPHRASE).close()
    data = vault.keyfile_path.read_bytes()
    damaged = {"truncate": data[:100], "extend": data + b"\0", "empty": b""}[damage]
    vault.keyfile_path.write_bytes(damaged)

    with pytest.raises(VaultCorrupt) as caught:
        vault.unlock(PASSPHRASE)

    assert caught.value.part == "keyfile"
    assert vault.keyfile_path.read_bytes() == damaged


def test_scrambled_keyfile_of_right_size_is_reported_and_left_alone(
    vault: Vault,
) -> None:
    vault.create(PASSPHRASE).close()
    data = bytearray(vault.keyfile_path.read_bytes())
    for region in range(2):  # the current record sits in one of two regions
        for slot in range(4):
            data[region * 4096 + 22 + slot * SLOT_SIZE + 20] ^= 0xFF
    vault.keyfile_path.write_bytes(bytes(data))

    with pytest.raises(VaultCorrupt) as caught:
        vault.unlock(PASSPHRASE)

    assert caught.value.part == "keyfile"
    assert vault.keyfile_path.read_bytes() == bytes(data)


@pytest.mark.parametrize("damage", ["header", "truncate"])
def test_damaged_database_gives_clear_error_and_is_left_alone(
    vault: Vault, damage: str
) -> None:
    store = vault.create(PASSPHRASE)
    store.save_many([make_contact() for _ in range(50)])
    store.close()
    data = vault.db_path.read_bytes()
    if damage == "header":
        damaged = b"\xff" * 100 + data[100:]
    else:
        damaged = data[: len(data) // 3]
    vault.db_path.write_bytes(damaged)

    with pytest.raises(VaultCorrupt) as caught:
        store = vault.unlock(PASSPHRASE)
        store.records(Contact)  # a truncated file may only fail on first read

    assert caught.value.part == "database"
    assert vault.db_path.read_bytes() == damaged


def test_full_disk_raises_disk_full_and_keeps_earlier_records(store: Store) -> None:
    kept = store.save(make_actor(name="saved before"))
    db = store._db
    assert db is not None
    db.engine.dispose()
    event.listen(
        db.engine,
        "connect",
        lambda conn, _: conn.execute("PRAGMA max_page_count=8"),
    )

    with pytest.raises(DiskFull):
        for _ in range(200):
            store.save(make_contact(notes="x" * 3000))

    assert [a.id for a in store.records(Actor)] == [kept.id]


KILL_CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from app.store import FileSecrets, Vault
    from tests.conftest import FAST_KDF, PASSPHRASE
    from tests.factories import make_contact
    root = Path(sys.argv[1])
    secrets = FileSecrets(root / "secure" / "p.bin")
    vault = Vault(root / "vault", secrets=secrets, kdf=FAST_KDF)
    store = vault.unlock(PASSPHRASE)
    while True:
        saved = store.save(make_contact(notes="burst " * 50))
        print(saved.id, flush=True)
    """
)


def test_sigkill_mid_burst_leaves_every_committed_record(
    vault: Vault, tmp_path: Path
) -> None:
    vault.create(PASSPHRASE).close()
    child = subprocess.Popen(
        [sys.executable, "-c", KILL_CHILD, str(tmp_path)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    committed = [child.stdout.readline().strip() for _ in range(300)]
    os.kill(child.pid, signal.SIGKILL)
    child.wait()
    committed += [line.strip() for line in child.stdout if line.strip()]
    child.stdout.close()

    store = vault.unlock(PASSPHRASE)
    ids = {str(c.id) for c in store.records(Contact)}
    store.close()

    assert child.returncode == -signal.SIGKILL
    assert set(committed) <= ids
    assert (
        len(ids) - len(committed) <= 1
    )  # at most the one in flight, never half of one


def write_legacy_rows(store: Store, records: list[SyncedRecord]) -> None:
    """Write records the way schema 0002 did: rows keyed by plain ids."""
    db, keys = store._db, store._keys
    assert db is not None and keys is not None
    with db.writing() as conn:
        for rec in records:
            rev_id, rec_id = str(rec.rev), str(rec.id)
            packed = pack_revision(rec.kind, rec.model_dump_json().encode())
            body = keys.seal(packed, table="r", row_id=rev_id, column="b")
            conn.execute(insert(tables.revisions).values(id=rev_id, b=body))
            state = HeadState(kind=rec.kind.value, doc=rec.model_dump_json().encode())
            state.add(rev_id, [])
            head = keys.seal(state.pack(), table="h", row_id=rec_id, column="b")
            conn.execute(insert(tables.heads).values(id=rec_id, b=head))
            conn.execute(insert(tables.outbox).values(id=rev_id))


def test_migration_from_older_schema_keeps_records_and_queues_them(
    vault: Vault,
) -> None:
    store = vault.create(PASSPHRASE)
    db = store._db
    assert db is not None
    with db.writing() as conn:  # as a vault made before step 0003 existed
        conn.execute(
            delete(tables.versions).where(
                tables.versions.c.name == "0003_opaque_row_ids"
            )
        )
    records = [make_actor(hlc=store.clock.now().encode()) for _ in range(3)]
    write_legacy_rows(store, records)
    store.close()

    store = vault.unlock(PASSPHRASE)

    for rec in records:  # found by id: the rows were re-keyed, not just re-sealed
        entry = store.get(rec.id)
        assert entry is not None and entry.record == rec
    assert [r.rev for r in store.pending()] == [r.rev for r in records]
    store.ack([records[0].rev])
    assert store.pending_count() == 2
    db = store._db
    assert db is not None
    with db.reading() as conn:
        names = list(conn.execute(select(tables.versions.c.name)).scalars())
        row_ids = set(conn.execute(select(tables.heads.c.id)).scalars())
    store.close()
    assert names == [m.name for m in migrations_module.MIGRATIONS]
    assert not row_ids & {str(r.id) for r in records}


def test_failed_migration_rolls_back_and_reports(
    vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = vault.create(PASSPHRASE)
    saved = store.save(make_actor())
    store.close()

    def broken(conn, keys):  # type: ignore[no-untyped-def]
        conn.exec_driver_sql("DELETE FROM h")
        raise RuntimeError("step failed half way")

    steps = (
        *migrations_module.MIGRATIONS,
        migrations_module.Migration("0099_broken", broken),
    )
    monkeypatch.setattr(
        vault_module,
        "migrate",
        lambda db, keys: migrations_module.migrate(db, keys, steps),
    )
    with pytest.raises(MigrationFailed):
        vault.unlock(PASSPHRASE)
    monkeypatch.undo()

    store = vault.unlock(PASSPHRASE)
    assert [a.id for a in store.records(Actor)] == [saved.id]
    store.close()


def test_database_refuses_garbage_without_writing(tmp_path: Path) -> None:
    path = tmp_path / "garbage.db"
    path.write_bytes(os.urandom(8192))
    before = digest(path)
    db = Database(path)
    with pytest.raises(VaultCorrupt), db.reading() as conn:
        conn.exec_driver_sql("SELECT 1 FROM sqlite_master").all()
    db.close()
    assert digest(path) == before

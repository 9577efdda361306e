"""``parley-hub`` commands against SQLite and PostgreSQL."""

from __future__ import annotations

import argparse
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from hub import tables
from hub.cli import main, parse_ttl
from hub.db import HubDb
from hub.keyfile import KeyFileError, load_key
from hub.orgkeys import load_org
from hub.packs import latest_version
from models.wire import PACK_CONTEXT, PackManifest, open_signed, unpack_signed

PASSPHRASE = "a long organisation passphrase"


@pytest.fixture
def db(database_url: str) -> Iterator[HubDb]:
    """A handle on the same database the commands use."""
    handle = HubDb(database_url)
    yield handle
    handle.close()


@pytest.fixture
def key_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "keys" / "hub.key"
    monkeypatch.setenv("PARLEY_HUB_KEY_FILE", str(path))
    return path


@pytest.fixture
def org(database_url: str, monkeypatch: pytest.MonkeyPatch, key_file: Path) -> str:
    """An initialised organisation; returns the database URL."""
    monkeypatch.setenv("PARLEY_ORG_PASSPHRASE", PASSPHRASE)
    assert (
        main(["--database-url", database_url, "init", "--kdf-memory-kib", "8192"]) == 0
    )
    return database_url


def _run(url: str, *args: str) -> int:
    return main(["--database-url", url, *args])


def test_init_creates_keys_and_refuses_a_second_time(
    org: str, db: HubDb, key_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    keys = load_org(db, master=load_key(key_file))
    assert (
        keys is not None
        and keys.records_wrapped
        and PASSPHRASE.encode() not in keys.records_wrapped
    )
    assert _run(org, "init") == 1
    assert "already has an organisation" in capsys.readouterr().err


def test_init_refuses_a_short_passphrase(
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("PARLEY_ORG_PASSPHRASE", "short")
    assert _run(database_url, "init") == 1
    assert "12 characters" in capsys.readouterr().err


def test_enroll_prints_a_code_and_a_qr_code(
    org: str, db: HubDb, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        _run(org, "enroll", "--team", "north", "--role", "coordinator", "--ttl", "2h")
        == 0
    )
    out = capsys.readouterr().out
    assert re.search(r"enrollment code  [A-Z2-7]{4}(-[A-Z2-7]{1,4}){6}", out)
    assert "█" in out and "expires in 7200s" in out
    with db.read() as conn:
        row = conn.execute(select(tables.enroll_codes)).one()
    assert (row.team, row.role, row.used_at) == ("north", "coordinator", None)


def test_devices_revoke_and_wipe(
    org: str, db: HubDb, capsys: pytest.CaptureFixture[str]
) -> None:
    with db.write() as conn:
        for name in ("aa11", "bb22"):
            conn.execute(
                tables.devices.insert().values(
                    id=name * 8,
                    team="north",
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
    assert _run(org, "devices") == 0
    assert capsys.readouterr().out.count("active") == 2
    assert _run(org, "revoke", "aa11aa11", "--yes") == 0
    assert _run(org, "wipe", "bb22bb22", "--yes") == 0
    assert _run(org, "revoke", "zzzzzzzz", "--yes") == 1
    with db.read() as conn:
        status = dict(
            conn.execute(select(tables.devices.c.id, tables.devices.c.status)).all()
        )
        wipes = conn.execute(select(tables.commands.c.device)).scalars().all()
    assert status == {"aa11" * 8: "revoked", "bb22" * 8: "active"}
    assert sorted(wipes) == ["aa11" * 8, "bb22" * 8]


def test_publish_guidance_signs_opaque_bytes_with_rising_versions(
    org: str, db: HubDb, tmp_path: Path, key_file: Path
) -> None:
    pack = tmp_path / "pack.bin"
    pack.write_bytes(b"\x00opaque guidance bytes\xff")
    assert _run(org, "publish-guidance", str(pack)) == 0
    assert _run(org, "publish-guidance", str(pack), "--version", "1") == 1
    assert _run(org, "publish-guidance", str(pack), "--version", "5") == 0
    assert latest_version(db) == 5
    keys = load_org(db, master=load_key(key_file))
    assert keys is not None
    with db.read() as conn:
        signed = conn.execute(
            select(tables.packs.c.manifest).where(tables.packs.c.version == 5)
        ).scalar_one()
    manifest = open_signed(
        keys.publish_pub,
        unpack_signed(bytes(signed)),
        PackManifest,
        context=PACK_CONTEXT,
    )
    assert manifest.size == pack.stat().st_size


def test_signing_keys_are_sealed_so_a_database_copy_cannot_sign(
    org: str, db: HubDb, key_file: Path
) -> None:
    keys = load_org(db, master=load_key(key_file))
    assert keys is not None
    with db.read() as conn:
        row = conn.execute(select(tables.org)).one()
    for secret in (keys.command_sk, keys.publish_sk, keys.hub_sk):
        assert secret not in bytes(row.command_sk) + bytes(row.publish_sk)
        assert secret not in bytes(row.hub_sk)
    with pytest.raises(KeyFileError):
        load_org(db, master=bytes(32))


def test_commands_explain_a_missing_key_file(
    org: str, key_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key_file.unlink()
    assert _run(org, "devices") == 1
    err = capsys.readouterr().err
    assert "hub key file" in err and "restore it" in err


def test_publish_guidance_takes_the_version_from_the_pack(
    org: str, db: HubDb, tmp_path: Path
) -> None:
    from app.services.guidance import build_archive, bundled_pack_dir, read_dir

    files = read_dir(bundled_pack_dir())
    files["pack.toml"] = files["pack.toml"].replace(b"version = 1", b"version = 3")
    pack = tmp_path / "guidance-en.zip"
    pack.write_bytes(build_archive(files))

    assert _run(org, "publish-guidance", str(pack)) == 0
    assert latest_version(db) == 3


@pytest.mark.parametrize(
    ("text", "ms"), [("90s", 90_000), ("30m", 1_800_000), ("7d", 604_800_000)]
)
def test_ttl_accepts_seconds_minutes_hours_days(text: str, ms: int) -> None:
    assert parse_ttl(text) == ms


def test_ttl_refuses_nonsense() -> None:
    with pytest.raises(argparse.ArgumentTypeError):
        parse_ttl("soon")

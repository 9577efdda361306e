"""Operator ergonomics: the address enroll prints, one-line database errors,
unambiguous and confirmed revoke/wipe, private files, 405 with Allow, and a
client disconnect logged as such."""

from __future__ import annotations

import logging
import socket
import stat
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import select

from bench._hubproc import HubProcess
from hub import tables
from hub.address import serving_url
from hub.cli import main
from hub.db import HubDb
from hub.service import Hub
from tests.hub.support import LiveHub

PASSPHRASE = "a long organisation passphrase"
IDS = ("aa11aa11" + "0" * 24, "aa11aa11" + "f" * 24, "bb22bb22" * 4)


@pytest.fixture
def org(
    database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[str]:
    """An initialised organisation with three devices; returns the database URL."""
    monkeypatch.setenv("PARLEY_HUB_KEY_FILE", str(tmp_path / "keys" / "hub.key"))
    monkeypatch.setenv("PARLEY_ORG_PASSPHRASE", PASSPHRASE)
    assert (
        main(["--database-url", database_url, "init", "--kdf-memory-kib", "8192"]) == 0
    )
    db = HubDb(database_url)
    with db.write() as conn:
        for device in IDS:
            conn.execute(
                tables.devices.insert().values(
                    id=device,
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
    yield database_url
    db.close()


def _status(url: str) -> dict[str, str]:
    db = HubDb(url)
    try:
        with db.read() as conn:
            rows = conn.execute(select(tables.devices.c.id, tables.devices.c.status))
            return dict(rows.all())  # type: ignore[arg-type]
    finally:
        db.close()


def test_revoke_needs_eight_characters_and_a_unique_prefix(
    org: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--database-url", org, "revoke", "aa11", "--yes"]) == 1
    assert "at least 8 characters" in capsys.readouterr().err
    assert main(["--database-url", org, "revoke", "aa11aa1", "--yes"]) == 1
    assert main(["--database-url", org, "revoke", "aa11aa11", "--yes"]) == 1
    assert "2 devices" in capsys.readouterr().err
    assert main(["--database-url", org, "wipe", "cc33cc33", "--yes"]) == 1
    assert "no device" in capsys.readouterr().err
    assert set(_status(org).values()) == {"active"}


def test_revoke_asks_first_and_does_nothing_without_a_yes(
    org: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    asked: list[str] = []
    monkeypatch.setattr("builtins.input", lambda q: asked.append(q) or "no")
    assert main(["--database-url", org, "revoke", "bb22bb22"]) == 1
    assert "nothing done" in capsys.readouterr().err
    assert IDS[2] in asked[0] and "north" in asked[0]
    assert _status(org)[IDS[2]] == "active"
    monkeypatch.setattr("builtins.input", lambda q: "yes")
    assert main(["--database-url", org, "revoke", "bb22bb22"]) == 0
    assert _status(org)[IDS[2]] == "revoked"


def test_revoke_with_yes_and_no_terminal_goes_ahead(
    org: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def no_terminal(_question: str) -> str:
        raise EOFError

    monkeypatch.setattr("builtins.input", no_terminal)
    assert main(["--database-url", org, "wipe", "aa11aa11f"]) == 1
    assert main(["--database-url", org, "wipe", "aa11aa11f", "--yes"]) == 0


@pytest.mark.parametrize(
    "url",
    [
        "nonsense://nowhere",
        "postgresql://postgres:secret-word@127.0.0.1:1/parley",
        "not a url at all",
    ],
)
def test_a_bad_or_unreachable_database_is_one_clear_line(
    url: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("PARLEY_HUB_KEY_FILE", str(tmp_path / "hub.key"))
    assert main(["--database-url", url, "devices"]) == 1
    captured = capsys.readouterr()
    lines = captured.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("parley-hub: ")
    assert "Traceback" not in captured.err and "secret-word" not in captured.err


def test_sqlite_database_and_key_file_are_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PARLEY_ORG_PASSPHRASE", PASSPHRASE)
    monkeypatch.setattr("os.umask", lambda _mask: 0)  # never loosens below
    url = f"sqlite:///{tmp_path / 'var' / 'hub.db'}"
    assert main(["--database-url", url, "init", "--kdf-memory-kib", "8192"]) == 0
    for name in ("hub.db", "hub.key"):
        mode = stat.S_IMODE((tmp_path / "var" / name).stat().st_mode)
        assert mode == 0o600, (name, oct(mode))


def test_enroll_prints_the_address_the_running_hub_serves(
    tmp_path: Path,
) -> None:
    hub = HubProcess(f"sqlite:///{tmp_path / 'hub.db'}")
    hub.env["PARLEY_ORG_PASSPHRASE"] = PASSPHRASE
    hub.cli("init", "--kdf-memory-kib", "8192")
    hub.start()
    try:
        out = hub.cli("enroll", "--team", "north", "--role", "field")
        assert f"hub address      {hub.url}\n" in out
        told = hub.cli(
            "enroll",
            "--team",
            "north",
            "--role",
            "field",
            "--hub-url",
            "https://hub.example.org",
        )
        assert "hub address      https://hub.example.org\n" in told
    finally:
        hub.stop()


def test_a_hub_on_every_interface_is_announced_at_a_real_address(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr("hub.address._own_address", lambda: "10.1.2.3")
    assert serving_url("0.0.0.0", 8660) == "http://10.1.2.3:8660"
    assert serving_url("127.0.0.1", 8660) == "http://127.0.0.1:8660"


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("GET", "/v1/sync", "POST"),
        ("DELETE", "/v1/enroll", "POST"),
        ("POST", "/v1/hello", "GET"),
        ("GET", "/v1/upload", "POST"),
        ("PUT", "/healthz", "GET"),
    ],
)
def test_an_unsupported_method_gets_405_with_allow(
    live: LiveHub, method: str, path: str, allow: str
) -> None:
    with httpx.Client(base_url=live.url, timeout=10) as http:
        resp = http.request(method, path)
    assert resp.status_code == 405
    assert resp.json()["code"] == "method_not_allowed"
    assert allow in resp.headers["allow"]


def _sync_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "/v1/sync" in r.getMessage()]


def test_a_client_that_hangs_up_mid_body_is_logged_as_a_disconnect(
    hub: Hub, live: LiveHub, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="parley.hub")
    device = "cd" * 16
    head = (
        "POST /v1/sync HTTP/1.1\r\nhost: hub\r\ncontent-length: 5000\r\n"
        f"authorization: Parley {device}.1700000000000.{'n' * 16}.c2ln\r\n\r\n"
    ).encode()
    with socket.create_connection(("127.0.0.1", live.port)) as sock:
        sock.sendall(head + b"\x00" * 100)
    with httpx.Client(base_url=live.url, timeout=10) as http:
        assert http.get("/healthz").status_code == 200  # the hub went on
    deadline = time.monotonic() + 10  # a hang detector, not a measure
    while time.monotonic() < deadline and not _sync_lines(caplog):
        time.sleep(0.05)
    lines = _sync_lines(caplog)
    assert any("status=disconnected" in m and device in m for m in lines), lines
    assert not any("status=500" in m or "internal error" in m for m in lines)


@pytest.mark.parametrize("team", ["north\x00", "", "x" * 65, "north\x1b[2J"])
def test_enroll_refuses_a_team_name_no_certificate_could_carry(
    org: str, team: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["--database-url", org, "enroll", "--team", team, "--role", "field"])
    assert stopped.value.code == 2
    assert "--team" in capsys.readouterr().err

"""A marker typed into every text field never reaches the disk or a log in plaintext."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from app.store import Store, Vault
from tests.conftest import PASSPHRASE
from tests.factories import marked_records

MARKER = "ZEBRACOMMANDER7"


def encodings(marker: str) -> list[bytes]:
    return [marker.encode(), marker.encode("utf-16-le"), marker.lower().encode()]


def leaks(root: Path) -> list[str]:
    """Return the files under ``root`` that contain the marker in any encoding."""
    found = []
    for path in sorted(root.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            if any(enc in data for enc in encodings(MARKER)):
                found.append(path.name)
    return found


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG)
    for name in ("sqlalchemy.engine", "sqlalchemy.pool"):
        logging.getLogger(name).setLevel(logging.DEBUG)
    return caplog


def test_marker_in_every_field_never_reaches_disk_or_logs(
    vault: Vault,
    tmp_path: Path,
    debug_logs: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    store: Store = vault.create(PASSPHRASE)
    saved = store.save_many(marked_records(MARKER))
    for record in saved:  # edits and tombstones churn pages too
        store.save(record)
    store.delete(saved[0].id)
    store.set_meta("draft:contact", {"asks": MARKER})
    store.get_meta("draft:contact")
    assert {r.id for r in saved} <= {e.record.id for e in store.entries()}

    files = {p.name for p in (tmp_path / "vault").iterdir()}
    assert {"d.db", "d.db-wal", "d.db-shm", "k.bin"} <= files  # before the checkpoint
    assert leaks(tmp_path) == []

    store.close()  # checkpoints the WAL into the main file
    assert leaks(tmp_path) == []
    reopened = vault.unlock(PASSPHRASE)
    assert any(MARKER in str(e.record) for e in reopened.entries())
    reopened.close()
    assert leaks(tmp_path) == []

    out, err = capfd.readouterr()
    log_text = debug_logs.text + "".join(str(r.args) for r in debug_logs.records)
    for text in (out, err, log_text):
        assert MARKER not in text and MARKER.lower() not in text
    assert "SQL parameters hidden" in debug_logs.text  # the logs were really captured


def test_schema_uses_neutral_names_only(store: Store, tmp_path: Path) -> None:
    store.close()
    data = (tmp_path / "vault" / "d.db").read_bytes()
    for word in (b"contact", b"actor", b"checkpoint", b"passphrase", b"draft"):
        assert word not in data.lower()

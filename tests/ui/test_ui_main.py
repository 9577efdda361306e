"""Composition root and settings: loopback, no runtime pip, safe KDF default."""

from __future__ import annotations

from pathlib import Path

import pytest

import app.main
from app.main import INSTALL_HINT, build_gate
from app.settings import DEFAULT_IDLE_TIMEOUT_S, DEFAULT_PORT, Settings
from tests.conftest import FAST_KDF


def test_parley_without_flet_web_prints_one_install_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    monkeypatch.setattr(app.main, "web_ready", lambda: False)
    monkeypatch.setattr(app.main, "_on_phone", lambda: False)
    monkeypatch.setenv("PARLEY_DATA_DIR", str(tmp_path))
    assert app.main.main([]) == 1
    out = capsys.readouterr()
    assert out.err.strip() == INSTALL_HINT
    assert "pip install 'parley[web]'" in out.err


def test_settings_defaults_are_loopback_8550_and_five_minutes(tmp_path: Path) -> None:
    settings = Settings.from_env({"PARLEY_DATA_DIR": str(tmp_path)})
    assert (settings.host, settings.port) == ("127.0.0.1", DEFAULT_PORT)
    assert settings.idle_timeout_s == DEFAULT_IDLE_TIMEOUT_S == 300
    assert settings.vault_dir.parent == settings.secrets_path.parent.parent == tmp_path


def test_settings_use_phone_storage_and_env_overrides(tmp_path: Path) -> None:
    env = {
        "FLET_APP_STORAGE_DATA": str(tmp_path),
        "PARLEY_PORT": "9001",
        "PARLEY_IDLE_TIMEOUT_S": "60",
    }
    settings = Settings.from_env(env, port=9100)
    assert settings.data_dir == tmp_path
    assert (settings.port, settings.idle_timeout_s) == (9100, 60)


def test_no_environment_switch_weakens_the_shipped_kdf(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The old test switch, and anything like it, is ignored by the shipped app.
    for name in ("PARLEY_TEST_FAST_KDF", "PARLEY_FAST_KDF", "PARLEY_KDF"):
        monkeypatch.setenv(name, "1")
    default = build_gate(app.main.settings_from_args([]))
    assert default._vault._kdf is None  # calibrated at creation, never weakened
    fast = build_gate(Settings(data_dir=tmp_path), kdf=FAST_KDF)  # tests inject it
    assert fast._vault._kdf is FAST_KDF


def test_shipped_app_code_reads_no_test_switch() -> None:
    app_dir = Path(app.main.__file__).parent
    for path in app_dir.rglob("*.py"):
        text = path.read_text()
        assert "PARLEY_TEST" not in text, path
        assert "fast_kdf" not in text, path

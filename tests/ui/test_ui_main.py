"""Composition root and settings: loopback, no runtime pip, safe KDF default."""

from __future__ import annotations

from pathlib import Path

import pytest

import app.main
from app.main import INSTALL_HINT, build_gate
from app.settings import DEFAULT_IDLE_TIMEOUT_S, DEFAULT_PORT, Settings


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
    assert not settings.fast_kdf
    assert settings.vault_dir.parent == settings.secrets_path.parent.parent == tmp_path


def test_settings_use_phone_storage_and_env_overrides(tmp_path: Path) -> None:
    env = {
        "FLET_APP_STORAGE_DATA": str(tmp_path),
        "PARLEY_PORT": "9001",
        "PARLEY_IDLE_TIMEOUT_S": "60",
        "PARLEY_TEST_FAST_KDF": "1",
    }
    settings = Settings.from_env(env, port=9100)
    assert settings.data_dir == tmp_path
    assert (settings.port, settings.idle_timeout_s, settings.fast_kdf) == (
        9100,
        60,
        True,
    )


def test_default_gate_calibrates_the_kdf_and_tests_opt_into_fast(
    tmp_path: Path,
) -> None:
    default = build_gate(Settings(data_dir=tmp_path))
    fast = build_gate(Settings(data_dir=tmp_path, fast_kdf=True))
    assert default._vault._kdf is None  # calibrated at creation, never weakened
    assert fast._vault._kdf is not None and fast._vault._kdf.memory_kib < 64 * 1024

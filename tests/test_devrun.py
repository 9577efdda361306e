"""``make run`` (app/devrun.py): hub and field app start, say how to connect, stop."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bench._hubproc import free_port

ROOT = Path(__file__).resolve().parents[1]


def _closed(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def test_devrun_serves_hub_and_app_prints_a_code_and_stops_both(
    tmp_path: Path,
) -> None:
    app_port, hub_port = free_port(), free_port()
    env = dict(
        os.environ,
        PARLEY_DATA_DIR=str(tmp_path / "app"),
        PYTHONUNBUFFERED="1",
    )
    command = [
        sys.executable,
        "-m",
        "app.devrun",
        "--port",
        str(app_port),
        "--hub-port",
        str(hub_port),
        "--hub-db",
        str(tmp_path / "hub.db"),
    ]
    proc = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None
    seen: list[str] = []
    try:
        for line in proc.stdout:
            seen.append(line)
            if line.startswith("Parley field app: http://"):
                break
        text = "".join(seen)
        assert f"Parley hub:       http://127.0.0.1:{hub_port}" in text, text
        assert "Enrollment code:  " in text and "parley://enroll?hub=" in text
        app_url = f"http://127.0.0.1:{app_port}/"
        assert seen[-1].strip() == f"Parley field app: {app_url}"
        with urllib.request.urlopen(f"http://127.0.0.1:{hub_port}/healthz") as hub:
            assert hub.status == 200
        for _ in range(300):  # the app prints its address just before listening
            if not _closed(app_port) or proc.poll() is not None:
                break
            time.sleep(0.1)
        with urllib.request.urlopen(app_url) as app:
            assert app.status == 200
    finally:
        proc.send_signal(signal.SIGINT)
        rest, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0
    assert "Stopped the hub and the field app." in rest
    assert _closed(app_port) and _closed(hub_port)

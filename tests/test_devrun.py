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
        try:
            # Each child gets 10 s to stop before it is killed (app.devrun._stop),
            # so 60 s is a hang, not a slow machine.
            rest, _ = proc.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()  # never leave a server behind for the next tests
            proc.communicate()
            raise
    assert proc.returncode == 0
    assert "Stopped the hub and the field app." in rest
    assert _closed(app_port) and _closed(hub_port)


def _listening() -> tuple[socket.socket, int]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    return sock, sock.getsockname()[1]


def test_a_taken_port_gives_one_line_naming_it_and_how_to_choose_another(
    tmp_path: Path,
) -> None:
    sock, taken = _listening()
    env = dict(os.environ, PARLEY_DATA_DIR=str(tmp_path / "app"))
    try:
        for command, variable in (
            (
                ["app.devrun", "--port", str(taken), "--hub-port", str(free_port())],
                "PORT",
            ),
            (
                ["app.devrun", "--port", str(free_port()), "--hub-port", str(taken)],
                "HUB_PORT",
            ),
            (
                ["app.main", "--port", str(taken)],
                "PORT",
            ),
        ):
            done = subprocess.run(
                [sys.executable, "-m", *command],
                cwd=ROOT,
                env=env,
                capture_output=True,
                text=True,
                timeout=60,
            )
            lines = done.stderr.strip().splitlines()
            assert done.returncode == 1
            assert len(lines) == 1, done.stderr
            assert f"Port {taken}" in lines[0]
            assert f"make run {variable}={taken + 1}" in lines[0]
            assert "Traceback" not in done.stdout + done.stderr
    finally:
        sock.close()

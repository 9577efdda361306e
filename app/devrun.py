"""What ``make run`` starts: the hub (demo organisation, SQLite) and the field app.

Both listen on 127.0.0.1 only. The hub keeps its database in ``var/hub.db``; on
its first run it creates a demo organisation. Each start prints a fresh
single-use enrollment code: paste it (or the ``parley://`` text) in the app under
Settings → Connect to hub. Ctrl-C (or SIGTERM) stops both.
"""

from __future__ import annotations

import argparse
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import IO
from urllib.parse import quote

from app.ports import port_in_use, taken_port_line
from app.settings import LOOPBACK, PROJECT_ROOT

__all__ = ["main"]

HUB_DB = PROJECT_ROOT / "var" / "hub.db"
# What `parley-hub demo` uses for a new demo organisation (hub/cli.py).
DEMO_PASSPHRASE_ENV = "PARLEY_ORG_PASSPHRASE"
DEMO_PASSPHRASE = "demo organisation passphrase"
_START_S = 60.0


@dataclass
class HubStart:
    """What the hub printed while starting."""

    address: str = ""
    code: str = ""


def _relay(stream: IO[str], lines: queue.Queue[str | None]) -> None:
    """Hand start-up lines to :func:`_read_start`, then pass the rest through."""
    started = False
    for line in stream:
        if started:
            print(line, end="", flush=True)
            continue
        lines.put(line.rstrip("\n"))
        started = line.startswith("enrollment code")
    lines.put(None)


def _read_start(proc: subprocess.Popen[str]) -> HubStart:
    """Read the hub's start-up output until the code (the QR art is skipped)."""
    lines: queue.Queue[str | None] = queue.Queue()
    assert proc.stdout is not None
    threading.Thread(target=_relay, args=(proc.stdout, lines), daemon=True).start()
    found = HubStart()
    deadline = time.monotonic() + _START_S
    while not found.code:
        try:
            line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            raise RuntimeError("the hub did not print an enrollment code") from None
        if line is None:
            raise RuntimeError("the hub stopped while starting (see above)")
        if line.startswith("hub address"):
            found.address = line.split(maxsplit=2)[-1]
        elif line.startswith("enrollment code"):
            found.code = line.split(maxsplit=2)[-1]
    return found


def _wait_listening(port: int, proc: subprocess.Popen[str]) -> None:
    deadline = time.monotonic() + _START_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("the hub stopped while starting (see above)")
        try:
            socket.create_connection((LOOPBACK, port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the hub is not listening on port {port}")


def start_hub(port: int, db: Path = HUB_DB) -> tuple[subprocess.Popen[str], HubStart]:
    """``parley-hub demo`` on 127.0.0.1:``port`` over the SQLite file ``db``."""
    db.parent.mkdir(parents=True, exist_ok=True)
    command = [
        sys.executable,
        "-m",
        "hub",
        "--database-url",
        f"sqlite:///{db}",
        "demo",
        "--host",
        LOOPBACK,
        "--port",
        str(port),
    ]
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen(
        command, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE, text=True
    )
    try:
        started = _read_start(proc)
        _wait_listening(port, proc)
    except BaseException:
        _stop([proc])
        raise
    return proc, started


def _banner(started: HubStart, db: Path) -> str:
    address = started.address
    uri = f"parley://enroll?hub={quote(address, safe='')}&code={started.code}"
    coordinator = (
        f"{sys.executable} -m hub --database-url sqlite:///{db} "
        f"enroll --team hq --role coordinator --url {address}"
    )
    passphrase = os.environ.get(DEMO_PASSPHRASE_ENV, DEMO_PASSPHRASE)
    return "\n".join(
        [
            "",
            f"Parley hub:       {address}  (demo organisation, {db})",
            f"Enrollment code:  {started.code}  (team demo, field staff; single use)",
            f"  or paste this:  {uri}",
            "  In the app: Settings → Connect to hub.",
            f"  A coordinator code: {coordinator}",
            f"  (the demo organisation passphrase is {passphrase!r})",
            "",
        ]
    )


def _stop(children: list[subprocess.Popen[str]]) -> None:
    for child in children:
        if child.poll() is None:
            child.terminate()
    for child in children:
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()


def _on_term(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _taken(app_port: int, hub_port: int) -> str:
    """One line naming the first taken port and how to choose another, or ``""``."""
    for port, what, variable, flag in (
        (app_port, "field app", "PORT", "python -m app.devrun --port"),
        (hub_port, "hub", "HUB_PORT", "python -m app.devrun --hub-port"),
    ):
        if port_in_use(LOOPBACK, port):
            return taken_port_line(port, what=what, variable=variable, flag=flag)
    return ""


def main(argv: Sequence[str] | None = None) -> int:
    """Start the hub, print how to connect, start the field app; stop both on exit."""
    parser = argparse.ArgumentParser(prog="python -m app.devrun")
    parser.add_argument("--port", type=int, default=8550, help="field app port")
    parser.add_argument("--hub-port", type=int, default=8660, help="hub port")
    parser.add_argument("--hub-db", type=Path, default=HUB_DB, help="hub SQLite file")
    args = parser.parse_args(argv)
    taken = _taken(args.port, args.hub_port)
    if taken:
        print(taken, file=sys.stderr)
        return 1
    signal.signal(signal.SIGTERM, _on_term)
    children: list[subprocess.Popen[str]] = []
    try:
        hub, started = start_hub(args.hub_port, args.hub_db)
        children.append(hub)
        print(_banner(started, args.hub_db), flush=True)
        app = subprocess.Popen(
            [sys.executable, "-m", "app.main", "--port", str(args.port)],
            cwd=PROJECT_ROOT,
            text=True,
        )
        children.append(app)
        # The field app prints its own address last. Run until either one stops.
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
        return 0 if app.poll() in (None, 0) else 1
    except KeyboardInterrupt:
        return 0
    except RuntimeError as exc:
        print(f"make run: {exc}", file=sys.stderr)
        return 1
    finally:
        _stop(children)
        print("Stopped the hub and the field app.", flush=True)


if __name__ == "__main__":
    sys.exit(main())

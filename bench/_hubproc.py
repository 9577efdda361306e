"""Run the hub as production does: ``python -m hub serve`` in its own process."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from bench._local import free_port

__all__ = ["HubProcess", "free_port"]


def _key_file_for(database_url: str) -> Path:
    name = hashlib.sha256(database_url.encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / "parley-hub-keys" / f"{name}.key"


class HubProcess:
    """``python -m hub serve`` in a subprocess, like production."""

    def __init__(
        self, database_url: str, *, port: int | None = None, **env: str
    ) -> None:
        self.database_url = database_url
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {
            **os.environ,
            "PARLEY_HUB_DATABASE_URL": database_url,
            # Processes of one database share one hub key file, kept out of the repo.
            "PARLEY_HUB_KEY_FILE": str(_key_file_for(database_url)),
            **env,
        }
        self.log = b""
        self.proc: subprocess.Popen[bytes] | None = None

    def cli(self, *args: str) -> str:
        """Run one ``parley-hub`` command and return its output."""
        done = subprocess.run(
            [sys.executable, "-m", "hub", *args],
            env=self.env,
            capture_output=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr.decode()
        return done.stdout.decode()

    def start(self) -> None:
        """Start serving and wait for /healthz.

        The hub's output goes to a temporary file, never to a pipe nobody reads:
        a full pipe blocks the hub's next log line, and with it every request.
        """
        self._out = tempfile.TemporaryFile()  # noqa: SIM115 - closed in _collect
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "hub", "serve", "--port", str(self.port)],
            env=self.env,
            stdout=self._out,
            stderr=subprocess.STDOUT,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                self._collect()
                raise RuntimeError("hub exited: " + self.log.decode(errors="replace"))
            try:
                if httpx.get(self.url + "/healthz", timeout=1).status_code == 200:
                    return
            except httpx.TransportError:
                time.sleep(0.05)
        raise RuntimeError("hub did not become healthy")

    def kill(self) -> None:
        """SIGKILL: no cleanup, no goodbye."""
        if self.proc is not None:
            self.proc.kill()
            self._collect()

    def stop(self) -> None:
        """SIGTERM and wait."""
        if self.proc is not None:
            self.proc.terminate()
            self._collect()

    def _collect(self) -> None:
        assert self.proc is not None
        self.proc.wait(timeout=30)
        self._out.seek(0)
        self.log += self._out.read()
        self._out.close()
        self.proc = None

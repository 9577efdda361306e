"""Local processes for benchmarks and tests: free ports, readiness, Chromium."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Callable

__all__ = ["CHROMIUM", "CHROMIUM_ARGS", "free_port", "wait_for_port"]

# Debian's Chromium; never a browser downloaded by Playwright.
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
    "--disable-quic",
]


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def wait_for_port(
    port: int,
    *,
    timeout_s: float = 30,
    alive: Callable[[], bool] = lambda: True,
    poll_s: float = 0.05,
) -> bool:
    """Wait until something accepts connections on 127.0.0.1:``port``.

    Returns False when ``timeout_s`` passes or ``alive()`` turns false first.
    """
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline and alive():
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return True
        except OSError:
            time.sleep(poll_s)
    return False

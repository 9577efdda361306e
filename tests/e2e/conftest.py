"""Browser tests: the real `parley` server in a subprocess, Debian's headless Chromium.

Every request that does not go to the app's own 127.0.0.1 address is blocked and
recorded; each test ends by asserting that none was attempted.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from bench._local import CHROMIUM, CHROMIUM_ARGS, free_port, wait_for_port

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "screenshots"
PASSPHRASE = "correct horse battery"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test in this folder ``browser`` (a conftest pytestmark would not)."""
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).parent == here:
            item.add_marker(pytest.mark.browser)


if not Path(CHROMIUM).exists():  # pragma: no cover - CI installs it
    pytest.skip("Debian chromium is not installed", allow_module_level=True)

from helpers import watch_socket  # noqa: E402
from playwright.sync_api import Browser, Page, sync_playwright  # noqa: E402


@dataclass
class Server:
    """A running `parley` with its own data directory and captured output."""

    url: str
    port: int
    data_dir: Path
    log_path: Path
    proc: subprocess.Popen[bytes]

    def output(self) -> str:
        return self.log_path.read_text(errors="replace")


def start_server(data_dir: Path, log_path: Path) -> Server:
    port = free_port()
    env = dict(os.environ, PARLEY_DATA_DIR=str(data_dir))
    env.pop("FLET_SERVER_IP", None)
    with log_path.open("wb") as log:
        proc = subprocess.Popen(
            # The real app, handed cheap Argon2id costs (no switch in the app).
            [sys.executable, "-m", "bench._appserve", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    if not wait_for_port(port, alive=lambda: proc.poll() is None, poll_s=0.1):
        proc.kill()
        raise RuntimeError(log_path.read_text())
    return Server(f"http://127.0.0.1:{port}/", port, data_dir, log_path, proc)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[Server]:
    running = start_server(tmp_path / "data", tmp_path / "server.log")
    yield running
    running.proc.terminate()
    try:
        # Generous: on a machine shared by many test runs, a clean exit can take
        # more than ten seconds of wall time; the test's own checks are done.
        running.proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        running.proc.kill()
        running.proc.wait(timeout=10)
        raise


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@dataclass
class Net:
    """What left (or tried to leave) the machine."""

    blocked: list[str] = field(default_factory=list)
    csp: list[str] = field(default_factory=list)


class Tabs:
    """Opens browser contexts (separate "devices"/tabs) that may only reach the app."""

    def __init__(self, browser: Browser, server: Server) -> None:
        self.browser, self.server = browser, server
        self.net = Net()
        self.contexts: list[object] = []

    def open(
        self,
        locale: str = "en-US",
        *,
        width: int = 390,
        height: int = 844,
        position: tuple[float, float] | None = None,
    ) -> Page:
        """A new device whose browser speaks ``locale`` (the app follows it).

        ``position`` is where the device is, with location allowed; without it
        the browser refuses location as a phone would before it is allowed.
        """
        ctx = self.browser.new_context(
            viewport={"width": width, "height": height},
            locale=locale,
            accept_downloads=True,
            **(
                {}
                if position is None
                else {
                    "geolocation": {"latitude": position[0], "longitude": position[1]},
                    "permissions": ["geolocation"],
                }
            ),
        )
        self.contexts.append(ctx)
        local = f"http://127.0.0.1:{self.server.port}"

        def block(route: object) -> None:
            self.net.blocked.append(route.request.url)  # type: ignore[attr-defined]
            route.abort()  # type: ignore[attr-defined]

        ctx.route(lambda url: not url.startswith(local), block)
        page = ctx.new_page()
        watch_socket(page)
        page.on("console", self._console)
        page.goto(self.server.url)
        page.wait_for_selector("#loading", state="detached", timeout=30_000)
        page.locator("flt-semantics-placeholder").dispatch_event("click")
        return page

    def _console(self, message: object) -> None:
        text = message.text  # type: ignore[attr-defined]
        if "Content Security Policy" in text:
            self.net.csp.append(text)

    def close(self) -> None:
        for ctx in self.contexts:
            ctx.close()  # type: ignore[attr-defined]


@pytest.fixture
def tabs(browser: Browser, server: Server) -> Iterator[Tabs]:
    opened = Tabs(browser, server)
    yield opened
    opened.close()
    # Nothing reached the network layer for another host...
    assert opened.net.blocked == []
    # ...and the only thing the CSP had to stop is the Rive plugin's runtime script,
    # which Flutter's web engine injects from a public CDN (notes/flet.md §3).
    assert all("rive_native" in line for line in opened.net.csp), opened.net.csp

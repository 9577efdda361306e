"""Field-app UI speed in headless Chromium: page load to an interactive unlock screen,
and tapping Save on a quick log to the record showing in the home list.

Baselines, measured in the same run on the same machine: a bare Flet page (one
text, one button) for load-to-interactive, and a click that appends a line to a
list on that page for save-to-list.

    python -m bench ui [--runs 5] [--language ar]

``--language`` (``en``, ``fr``, ``ar``) opens the app in a browser that speaks
that language, as a phone set to it would: the app then starts in it (right to
left for Arabic) and the figures include that switch.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from app.main import build_gate
from app.services import ActorForm
from app.settings import Settings
from app.ui.messages import LANGUAGES
from bench._appserve import FAST_KDF
from bench._local import CHROMIUM, CHROMIUM_ARGS, free_port, wait_for_port

__all__ = ["main"]

ROOT = Path(__file__).resolve().parents[1]
LOCALES = {"en": "en-US", "fr": "fr-FR", "ar": "ar-SA"}
PASSPHRASE = "bench passphrase 1"
BASELINE_APP = """
import flet as ft

def main(page: ft.Page):
    lines = ft.Column()
    def add(e):
        lines.controls.append(ft.Text(f"Line {len(lines.controls) + 1}"))
    page.add(ft.Text("Hello"), ft.Button("Add", on_click=add), lines)

ft.run(main, view=ft.AppView.WEB_BROWSER, host="127.0.0.1", no_cdn=True)
"""


@contextmanager
def _server(command: list[str], env: dict[str, str], port: int) -> Iterator[str]:
    proc = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        if not wait_for_port(port, alive=lambda: proc.poll() is None):
            raise RuntimeError("server did not start")
        yield f"http://127.0.0.1:{port}/"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


class Words:
    """The labels the benchmark taps, in the language it runs in."""

    def __init__(self, code: str) -> None:
        language = LANGUAGES[code]
        self.locale = LOCALES[code]
        self.passphrase = language.text["unlock.passphrase"]
        self.unlock = language.text["unlock.submit"]
        self.quick_log = language.text["home.quick_log"]
        self.delayed = language.enums["outcome"]["delayed"]
        self.save = language.text["quick.save"]


SAY = Words("en")


def _open(browser: Browser, url: str, locale: str = "en-US") -> tuple[Page, float]:
    """Load ``url`` in a fresh context; return the page and when loading began."""
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, locale=locale)
    ctx.route(lambda u: not u.startswith("http://127.0.0.1"), lambda r: r.abort())
    page = ctx.new_page()
    start = time.perf_counter()
    page.goto(url)
    page.wait_for_selector("#loading", state="detached", timeout=60_000)
    page.locator("flt-semantics-placeholder").dispatch_event("click")
    return page, start


def _interactive(browser: Browser, url: str, ready: Callable[[Page], None]) -> float:
    page, start = _open(browser, url, SAY.locale)
    ready(page)
    elapsed = (time.perf_counter() - start) * 1000
    page.context.close()
    return elapsed


def _seed(data_dir: Path, places: int) -> None:
    services = build_gate(Settings(data_dir=data_dir), kdf=FAST_KDF).create(
        PASSPHRASE, PASSPHRASE
    )
    try:
        for i in range(places):
            services.places.find_or_create(f"Bench place {i}")
        services.actors.save(ActorForm(name="Bench unit"))
    finally:
        services.close()


def _unlock_ready(page: Page) -> None:
    page.get_by_role("textbox", name=SAY.passphrase).wait_for(timeout=60_000)
    page.get_by_role("button", name=SAY.unlock, exact=True).wait_for()


def _hello_ready(page: Page) -> None:
    page.get_by_role("button", name="Add", exact=True).wait_for(timeout=60_000)


def _save_to_list(browser: Browser, url: str, runs: int) -> list[float]:
    page, _ = _open(browser, url, SAY.locale)
    _unlock(page)
    timings = []
    for i in range(runs):
        page.get_by_role("button", name=SAY.quick_log, exact=True).click()
        place = page.get_by_role("checkbox", name=f"Bench place {i}", exact=True)
        place.click()
        page.get_by_role("checkbox", name=SAY.delayed, exact=True).click()
        page.wait_for_timeout(300)
        save = page.get_by_role("button", name=SAY.save, exact=True)
        row = page.get_by_role("button", name=f"Bench place {i}", exact=False)
        start = time.perf_counter()
        save.click()
        row.first.wait_for(timeout=30_000)
        timings.append((time.perf_counter() - start) * 1000)
        page.wait_for_timeout(300)
    page.context.close()
    return timings


def _unlock(page: Page) -> None:
    home = page.get_by_role("button", name=SAY.quick_log, exact=True)
    for _ in range(3):  # a fill racing the first frame can be dropped: try again
        box = page.get_by_role("textbox", name=SAY.passphrase)
        box.wait_for(timeout=60_000)
        page.wait_for_timeout(300)
        box.fill(PASSPHRASE)
        page.wait_for_timeout(300)
        page.get_by_role("button", name=SAY.unlock, exact=True).click()
        try:
            home.wait_for(timeout=10_000)
            return
        except PlaywrightTimeout:
            continue
    home.wait_for(timeout=10_000)


def _click_to_list(browser: Browser, url: str, runs: int) -> list[float]:
    page, _ = _open(browser, url)
    _hello_ready(page)
    timings = []
    for i in range(runs):
        start = time.perf_counter()
        page.get_by_role("button", name="Add", exact=True).click()
        page.get_by_text(f"Line {i + 1}", exact=True).wait_for(timeout=30_000)
        timings.append((time.perf_counter() - start) * 1000)
        page.wait_for_timeout(200)
    page.context.close()
    return timings


def _measure(runs: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        data, hello = Path(tmp) / "data", Path(tmp) / "hello.py"
        hello.write_text(BASELINE_APP)
        _seed(data, runs)
        app_port, base_port = free_port(), free_port()
        app_env = dict(os.environ, PARLEY_DATA_DIR=str(data))
        base_env = dict(
            os.environ, FLET_FORCE_WEB_SERVER="true", FLET_SERVER_PORT=str(base_port)
        )
        app_cmd = [sys.executable, "-m", "bench._appserve", "--port", str(app_port)]
        with (
            _server(app_cmd, app_env, app_port) as app_url,
            _server([sys.executable, str(hello)], base_env, base_port) as base_url,
            sync_playwright() as p,
        ):
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            # One warm-up load each: the first load pays for disk caches, not the app.
            _interactive(browser, app_url, _unlock_ready)
            _interactive(browser, base_url, _hello_ready)
            app_ms, base_ms = [], []
            for _ in range(runs):
                app_ms.append(_interactive(browser, app_url, _unlock_ready))
                base_ms.append(_interactive(browser, base_url, _hello_ready))
            save_ms = _save_to_list(browser, app_url, runs)
            click_ms = _click_to_list(browser, base_url, runs)
            browser.close()
    return _figures(app_ms, base_ms, save_ms, click_ms, runs)


def _figures(
    app_ms: list[float],
    base_ms: list[float],
    save_ms: list[float],
    click_ms: list[float],
    runs: int,
) -> dict[str, float]:
    med = statistics.median
    return {
        "interactive_ms": round(med(app_ms), 1),
        "save_to_list_ms": round(med(save_ms), 1),
        "baseline_interactive_ms": round(med(base_ms), 1),
        "baseline_click_to_list_ms": round(med(click_ms), 1),
        "interactive_ratio": round(med(app_ms) / med(base_ms), 2),
        "save_to_list_ratio": round(med(save_ms) / med(click_ms), 2),
        "interactive_max_ms": round(max(app_ms), 1),
        "save_to_list_max_ms": round(max(save_ms), 1),
        "runs": runs,
    }


def main(argv: Sequence[str]) -> int:
    """Measure, print a table, end with one JSON line."""
    parser = argparse.ArgumentParser(prog="python -m bench ui")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--language", choices=sorted(LOCALES), default="en")
    args = parser.parse_args(list(argv))
    global SAY
    SAY = Words(args.language)
    if not Path(CHROMIUM).exists():
        print(f"chromium not found at {CHROMIUM}")
        return 2
    figures = _measure(max(5, args.runs))
    print(f"{'figure':<28}{'value':>10}")
    for name, value in figures.items():
        print(f"{name:<28}{value:>10}")
    print(f"language: {args.language} (browser locale {SAY.locale})")
    print("targets: interactive_ms <= 2500, save_to_list_ms <= 300")
    print(json.dumps(figures))
    return 0

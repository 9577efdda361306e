"""Small Playwright helpers for the Flet semantics DOM."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Locator, Page, WebSocket, expect

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "screenshots"
# What each page sent over its websocket: lets fill() confirm the server got a value.
SENT: dict[int, list[bytes]] = {}


def watch_socket(page: Page) -> None:
    """Record the frames a page sends to the app server."""
    frames = SENT.setdefault(id(page), [])

    def on_socket(ws: WebSocket) -> None:
        ws.on("framesent", lambda data: frames.append(_as_bytes(data)))

    page.on("websocket", on_socket)


def _as_bytes(data: object) -> bytes:
    return data if isinstance(data, bytes) else str(data).encode()


def _server_got(page: Page, text: str, since: int) -> bool:
    needle = text.encode()
    frames = SENT.get(id(page))
    if frames is None:
        return True  # not watched: trust the DOM check
    for _ in range(20):
        if any(needle in frame for frame in frames[since:]):
            return True
        page.wait_for_timeout(100)
    return False


def settle(page: Page) -> None:
    """Let the canvas catch up with the semantics DOM (two frames and a bit)."""
    page.evaluate(
        "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"
    )
    page.wait_for_timeout(350)


def shot(page: Page, name: str, *, rest: tuple[int, int] = (200, 420)) -> Path:
    """Save a screenshot of the final screen under screenshots/.

    The mouse rests at ``rest`` meanwhile (the app bar's title is a spot that shows
    no hover highlight).
    """
    SHOTS.mkdir(exist_ok=True)
    page.mouse.move(*rest)  # no hover tooltip left on the last thing tapped
    settle(page)
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path


def fill(page: Page, label: str, text: str) -> None:
    """Type into the text field labelled ``label`` and wait until it holds the text."""
    box = page.get_by_role("textbox", name=label, exact=True)
    # No click: a coordinate click can land on whatever the canvas still shows at
    # that spot mid-scroll. Playwright's fill focuses the input directly. A server
    # update still in flight can rebuild the input under it: check, and retry.
    for _ in range(4):
        settle(page)
        since = len(SENT.get(id(page), []))
        box.fill(text)
        try:
            expect(box).to_have_value(text, timeout=1500)
        except AssertionError:
            continue
        # The DOM input can take the text while Flutter, rebuilding it, never sees
        # it: only a change event on the socket proves the app got the value.
        if _server_got(page, text, since):
            return
        box.fill("")
    expect(box).to_have_value(text)


def value_of(page: Page, label: str) -> Locator:
    """A text field, focused: Flutter fills the DOM input of a server-set value
    only once the field has focus."""
    box = page.get_by_role("textbox", name=label, exact=True)
    box.focus()
    return box


def toast(page: Page, text: str) -> Locator:
    """A snack bar message (its screen-reader announcement is a separate node)."""
    return page.locator("span").filter(has_text=text)


def tap(target: Locator) -> None:
    """Scroll a control into view, let Flutter's canvas follow, then tap it.

    Clicking while the canvas still scrolls can land on whatever was under that
    spot a frame earlier (a chip above the intended field, for instance).
    """
    for attempt in range(3):
        try:
            target.scroll_into_view_if_needed()
            settle(target.page)
            _wait_still(target)
            target.click()
            return
        except PlaywrightError:
            # The server rebuilt that control (a list re-rendered): look it up again.
            if attempt == 2:
                raise
            settle(target.page)


def _wait_still(target: Locator) -> None:
    before = target.bounding_box()
    for _ in range(10):
        target.page.wait_for_timeout(120)
        after = target.bounding_box()
        if after == before:
            return
        before = after


def button(page: Page, name: str) -> Locator:
    """A button by its accessible name."""
    return page.get_by_role("button", name=name, exact=True)


def chip(page: Page, name: str) -> Locator:
    """A chip (exposed as a checkbox) by its label."""
    return page.get_by_role("checkbox", name=name, exact=True)


def create_vault(page: Page, passphrase: str) -> None:
    """First run: passphrase twice, create, wait for home."""
    fill(page, "New passphrase", passphrase)
    fill(page, "Type it again", passphrase)
    tap(button(page, "Create vault"))
    expect(button(page, "Log checkpoint")).to_be_visible(timeout=15_000)


def unlock(page: Page, passphrase: str) -> None:
    """Unlock from the lock screen."""
    expect(page.get_by_role("heading", name="Unlock Parley")).to_be_visible(
        timeout=15_000
    )
    fill(page, "Passphrase", passphrase)
    tap(button(page, "Unlock"))


def hide_app(page: Page) -> None:
    """Make the page report itself hidden, as when the phone switches apps."""
    page.evaluate(
        """() => {
        for (const [k, v] of [["visibilityState", "hidden"], ["hidden", true]]) {
          Object.defineProperty(document, k, {configurable: true, get: () => v});
        }
        document.dispatchEvent(new Event("visibilitychange"));
        window.dispatchEvent(new Event("blur"));
      }"""
    )


def show_app(page: Page) -> None:
    """Undo :func:`hide_app`."""
    page.evaluate(
        """() => {
        for (const [k, v] of [["visibilityState", "visible"], ["hidden", false]]) {
          Object.defineProperty(document, k, {configurable: true, get: () => v});
        }
        document.dispatchEvent(new Event("visibilitychange"));
        window.dispatchEvent(new Event("focus"));
      }"""
    )

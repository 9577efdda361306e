"""The Flet UI: the only app package that imports flet. Views call services only."""

from __future__ import annotations

from collections.abc import Callable

import flet as ft

from app.services import VaultGate
from app.settings import Settings
from app.ui.routes import Routes, default_routes
from app.ui.shell import Shell
from app.ui.views import guide_nav

__all__ = ["Shell", "make_main"]


def make_main(
    gate: VaultGate,
    settings: Settings,
    *,
    routes: Routes | None = None,
    tick_s: float | None = 1.0,
) -> Callable[[ft.Page], None]:
    """The ``main(page)`` Flet calls once per session (each browser tab).

    ``tick_s`` is the idle-clock period; tests pass ``None`` and drive
    :meth:`Shell.tick` themselves.
    """
    table = routes or default_routes()

    def main(page: ft.Page) -> None:
        shell = Shell(page, gate=gate, settings=settings, routes=table, tick_s=tick_s)
        guide_nav.install(shell)
        shell.start()

    return main

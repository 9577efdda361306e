"""Look and feel for bad light and one thumb: bundled font, contrast, big targets."""

from __future__ import annotations

import flet as ft

__all__ = [
    "FONT",
    "FONT_FILE",
    "GAP",
    "TAP",
    "TEXT",
    "TEXT_SMALL",
    "apply_theme",
    "tone",
]

FONT = "AppSans"
#: Noto Sans + Noto Sans Arabic in one file (assets/fonts/README.md).
FONT_FILE = "fonts/ParleySans-Regular.ttf"
TAP = 48  # smallest touch target, in logical pixels
GAP = 12
TEXT = 17
TEXT_SMALL = 15

# Strong, distinguishable tones that survive sunlight on a cheap screen.
_TONES = {
    "draft": ("#7a4d00", "#ffe2a8"),
    "pending": ("#0b3d91", "#d6e4ff"),
    "conflict": ("#8c1d18", "#ffdad6"),
    "planned": ("#1d5c2e", "#c8f0d0"),
    "neutral": ("#1f1f1f", "#e4e4e4"),
}


def tone(name: str) -> tuple[str, str]:
    """Foreground and background colours of a status marker."""
    return _TONES.get(name, _TONES["neutral"])


def apply_theme(page: ft.Page) -> None:
    """Set the bundled font (Latin and Arabic) and a high-contrast light theme."""
    page.fonts = {FONT: FONT_FILE}
    page.theme_mode = ft.ThemeMode.LIGHT
    page.theme = ft.Theme(
        font_family=FONT,
        color_scheme_seed="#0b4f6c",
        color_scheme=ft.ColorScheme(
            primary="#0b4f6c",
            on_primary="#ffffff",
            surface="#ffffff",
            on_surface="#111111",
            on_surface_variant="#2b2b2b",
            outline="#5a5a5a",
            error="#b00020",
        ),
        visual_density=ft.VisualDensity.COMFORTABLE,
        # No slide or fade between screens: on a cheap phone an animation is lag,
        # and a screen that is simply there is easier to read at a glance.
        page_transitions=ft.PageTransitionsTheme(
            android=ft.PageTransitionTheme.NONE,
            ios=ft.PageTransitionTheme.NONE,
            linux=ft.PageTransitionTheme.NONE,
            macos=ft.PageTransitionTheme.NONE,
            windows=ft.PageTransitionTheme.NONE,
        ),
    )

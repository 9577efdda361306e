"""Charts of the coordination screens (flet-charts): values per month, by series."""

from __future__ import annotations

import math

import flet as ft
import flet_charts as fc  # type: ignore[import-untyped]

from app.ui.components.widgets import section_title
from app.ui.theme import TEXT_SMALL

__all__ = ["month_bars"]

# Distinguishable in sunlight and for the common colour-blindnesses (Okabe-Ito).
_COLOURS = ("#0072b2", "#e69f00", "#009e73", "#cc79a7", "#56b4e9", "#d55e00")
#: Months shown: the latest ones.
MONTHS = 12


def _scale(values: list[float]) -> tuple[float, float]:
    """A round top for the value axis and the step between its labels: 1, 2 or
    5 times a power of ten (whole steps when every value is a whole number)."""
    highest = max(values, default=0.0) or 1.0
    power = 10 ** math.floor(math.log10(highest))
    top = next(m * power for m in (1, 2, 5, 10) if m * power >= highest)
    step = top / (5 if round(top / power) in (5, 10) else 2)
    if all(float(v).is_integer() for v in values):
        step = max(1.0, round(step))
    return float(top), float(step)


def month_bars(
    title: str, points: list[tuple[str, str, float]], *, unit: str = ""
) -> list[ft.Control]:
    """A bar chart of (month, series, value), a legend in words, or nothing."""
    if not points:
        return []
    months = sorted({m for m, _, _ in points})[-MONTHS:]
    series = list(dict.fromkeys(s for _, s, _ in points))[: len(_COLOURS)]
    values = {(m, s): v for m, s, v in points}
    top, spacing = _scale(list(values.values()))
    width = max(4.0, min(18.0, 60.0 / max(1, len(series))))
    groups = [
        fc.BarChartGroup(
            x=i,
            rods=[
                fc.BarChartRod(
                    from_y=0,
                    to_y=values.get((month, name), 0.0),
                    width=width,
                    color=_COLOURS[n],
                    border_radius=2,
                )
                for n, name in enumerate(series)
            ],
        )
        for i, month in enumerate(months)
    ]
    chart = fc.BarChart(
        groups=groups,
        max_y=top,
        interactive=False,
        left_axis=fc.ChartAxis(label_size=40, label_spacing=spacing),
        bottom_axis=fc.ChartAxis(
            labels=[
                fc.ChartAxisLabel(value=i, label=ft.Text(m[2:], size=12))
                for i, m in enumerate(months)
            ],
            label_size=28,
        ),
        horizontal_grid_lines=fc.ChartGridLines(
            color="#d8dde0", width=1, interval=spacing
        ),
    )
    legend: list[ft.Control] = [
        ft.Row(
            [
                ft.Container(width=14, height=14, bgcolor=_COLOURS[n], border_radius=3),
                ft.Text(name, size=TEXT_SMALL),
            ],
            spacing=6,
            tight=True,
        )
        for n, name in enumerate(series)
    ]
    heading = f"{title} ({unit})" if unit else title
    return [
        section_title(heading),
        ft.Semantics(label=heading, content=ft.Container(chart, height=220)),
        ft.Row(legend, wrap=True, spacing=14, run_spacing=6),
    ]

"""Dates typed or picked from a calendar, and a second look at dates far from today."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

import flet as ft

from app.ui.components.widgets import field, icon_action
from app.ui.host import Host
from app.ui.messages import formats, t

__all__ = ["FAR_DAYS", "DateField", "confirm_far_dates", "far_from_today", "parse_day"]

#: A date more than this many days from today is asked about before saving.
FAR_DAYS = 366
#: The calendar offers this many years either side of today.
PICKER_YEARS_BACK = 5
PICKER_YEARS_AHEAD = 2


def parse_day(text: str) -> dt.date | None:
    """The date in ``text`` (``YYYY-MM-DD``, or the start of a date and time)."""
    try:
        return dt.date.fromisoformat(text.strip()[:10])
    except ValueError:
        return None


def far_from_today(day: dt.date, today: dt.date) -> bool:
    """True when ``day`` is more than :data:`FAR_DAYS` from ``today``."""
    return abs((day - today).days) > FAR_DAYS


def confirm_far_dates(
    host: Host, texts: Sequence[str], then: Callable[[], None]
) -> None:
    """Run ``then`` at once, or after a yes when a date in ``texts`` is far off."""
    today = dt.date.today()
    far = [d for d in (parse_day(x) for x in texts) if d and far_from_today(d, today)]
    if not far:
        then()
        return
    host.confirm(
        title=t("date.far_title"),
        body=t("date.far_body", day=formats().day(far[0])),
        yes=t("date.far_yes"),
        on_yes=then,
    )


def _years_from(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class DateField:
    """A ``YYYY-MM-DD`` field with a calendar button (Flet's DatePicker).

    The calendar offers a few years either side of today; a date typed outside
    is kept and asked about on save (:func:`confirm_far_dates`).
    """

    def __init__(
        self,
        host: Host,
        label: str,
        value: str = "",
        *,
        key: str = "",
        required: bool = False,
    ) -> None:
        self._host = host
        self.field = field(label, value, key=key, required=required)
        self.field.suffix = icon_action(
            ft.Icons.CALENDAR_MONTH, t("date.open_calendar", field=label), self._open
        )

    @property
    def value(self) -> str:
        """The text of the field."""
        return self.field.value or ""

    def _open(self, _: Any) -> None:
        today = dt.date.today()
        chosen = parse_day(self.value)
        first = _years_from(today, -PICKER_YEARS_BACK)
        last = _years_from(today, PICKER_YEARS_AHEAD)
        if chosen is not None and not first <= chosen <= last:
            chosen = None
        picker = ft.DatePicker(
            value=dt.datetime.combine(chosen or today, dt.time(12)),
            first_date=dt.datetime.combine(first, dt.time()),
            last_date=dt.datetime.combine(last, dt.time(23, 59)),
            current_date=dt.datetime.combine(today, dt.time(12)),
            on_change=self._host.on(self._picked),
        )
        self._host.show_dialog(picker)

    def _picked(self, e: Any) -> None:
        picked = getattr(e.control, "value", None)
        if isinstance(picked, dt.datetime):
            # The client sends midnight in its own zone, which may be the day
            # before in UTC: the local calendar day is what was tapped.
            day = picked.astimezone().date() if picked.tzinfo else picked.date()
            self.field.value = day.isoformat()
            self.field.error = None

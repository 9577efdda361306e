"""Dates, times and numbers as the session's language writes them: the one place.

Views never call ``strftime`` or format a number themselves: they ask the
session's :class:`Formats` (:func:`app.ui.messages.formats`). It is backed by
Babel (CLDR data), so a new language needs only its locale code in its catalog;
a catalog may also fix patterns (English keeps ISO-like dates on purpose: no
month names to misread, the same order as the form fields).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from babel.dates import format_date, format_datetime, format_time
from babel.numbers import format_decimal

__all__ = ["Formats"]


@dataclass(frozen=True, slots=True)
class Formats:
    """How one language writes dates, times and numbers.

    ``day``, ``moment`` and ``clock`` are CLDR patterns (``yyyy-MM-dd``) or CLDR
    widths (``short``, ``medium``...). Times are shown in the device's time zone.
    """

    locale: str = "en"
    day_pattern: str = "medium"
    moment_pattern: str = "medium"
    clock_pattern: str = "short"

    def day(self, value: dt.date | dt.datetime) -> str:
        """A calendar day (a datetime is taken in local time)."""
        if isinstance(value, dt.datetime):
            value = value.astimezone().date()
        return str(format_date(value, format=self.day_pattern, locale=self.locale))

    def moment(self, value: dt.datetime) -> str:
        """A day and a time to the minute, in local time."""
        local = value.astimezone()
        return str(
            format_datetime(
                local,
                format=self.moment_pattern,
                tzinfo=local.tzinfo,
                locale=self.locale,
            )
        )

    def clock(self, value: dt.datetime) -> str:
        """A time of day to the minute, in local time."""
        local = value.astimezone()
        return str(
            format_time(
                local,
                format=self.clock_pattern,
                tzinfo=local.tzinfo,
                locale=self.locale,
            )
        )

    def number(self, value: int) -> str:
        """A whole number with the language's digits and grouping."""
        return str(format_decimal(value, locale=self.locale))

    def decimal(self, value: float, digits: int = 1) -> str:
        """A number with exactly ``digits`` decimals."""
        pattern = "#,##0." + "0" * digits if digits else "#,##0"
        return str(format_decimal(value, format=pattern, locale=self.locale))

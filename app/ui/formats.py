"""Dates, times and numbers as the session's language writes them: the one place.

Views never call ``strftime``: they ask the session's :class:`Formats`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

__all__ = ["ENGLISH", "Formats"]


@dataclass(frozen=True, slots=True)
class Formats:
    """How one language writes dates, times and numbers.

    Times are shown in the device's local time zone. The patterns are
    ``strftime`` patterns; the English ones are ISO-like on purpose (no month
    names to misread, the same order as the form fields).
    """

    day_pattern: str = "%Y-%m-%d"
    moment_pattern: str = "%Y-%m-%d %H:%M"
    clock_pattern: str = "%H:%M"
    decimal_mark: str = "."
    group_mark: str = ","

    def day(self, value: dt.date | dt.datetime) -> str:
        """A calendar day (a datetime is taken in local time)."""
        if isinstance(value, dt.datetime):
            value = value.astimezone()
        return value.strftime(self.day_pattern)

    def moment(self, value: dt.datetime) -> str:
        """A day and a time to the minute, in local time."""
        return value.astimezone().strftime(self.moment_pattern)

    def clock(self, value: dt.datetime) -> str:
        """A time of day to the minute, in local time."""
        return value.astimezone().strftime(self.clock_pattern)

    def number(self, value: int) -> str:
        """A whole number with the language's digit grouping."""
        return f"{value:,}".replace(",", self.group_mark)

    def decimal(self, value: float, digits: int = 1) -> str:
        """A number with ``digits`` decimals."""
        text = f"{value:,.{digits}f}"
        return text.translate({ord(","): self.group_mark, ord("."): self.decimal_mark})


ENGLISH = Formats()

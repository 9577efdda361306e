"""Dates and numbers typed in Arabic digits read; free text stays as typed."""

from __future__ import annotations

import datetime as dt

import pytest

from app.services import Services
from app.services.digits import western_digits
from app.services.validation import (
    parse_coord,
    parse_date,
    parse_datetime,
    parse_minutes,
)


def test_both_arabic_digit_sets_read_as_western_digits() -> None:
    assert western_digits("٠١٢٣٤٥٦٧٨٩") == "0123456789"
    assert western_digits("۰۱۲۳۴۵۶۷۸۹") == "0123456789"
    assert western_digits("٣٣٫٥") == "33.5"
    assert western_digits("١٬٢٠٠") == "1200"
    assert western_digits("\u200f٢٠٢٦-٠٣-٠٩\u200e") == "2026-03-09"
    assert western_digits("Checkpoint 4 ٤") == "Checkpoint 4 4"


@pytest.mark.parametrize(
    "typed", ["٢٠٢٦-٠٣-٠٩", "۲۰۲۶-۰۳-۰۹", "2026-03-09", "٢٠٢٦-03-٠٩"]
)
def test_a_date_typed_in_any_digits_is_accepted(typed: str) -> None:
    errors: dict[str, str] = {}
    assert parse_date(typed, "on", errors) == dt.date(2026, 3, 9)
    assert errors == {}


def test_times_counts_and_positions_accept_arabic_digits() -> None:
    errors: dict[str, str] = {}
    moment = parse_datetime("٢٠٢٦-٠٣-٠٩ ١٤:٠٥", "observed_at", errors)
    assert moment is not None and (moment.hour, moment.minute) == (14, 5)
    assert parse_minutes("٤٥", "delay", errors) == 45
    assert parse_minutes("۱۲۰", "delay", errors) == 120
    assert parse_coord("٣٣٫٥١", "lat", errors) == pytest.approx(33.51)
    assert errors == {}


def test_a_wrong_date_in_arabic_digits_is_still_refused() -> None:
    errors: dict[str, str] = {}
    assert parse_date("٢٠٢٦-١٣-٤٠", "on", errors) is None
    assert errors == {"on": "bad_date"}
    assert parse_minutes("²", "delay", errors) is None  # a digit, but no number
    assert errors["delay"] == "not_a_number"


def test_free_text_is_stored_as_typed(services: Services) -> None:
    form = services.checkpoints.new_form()
    form.observed_at = "٢٠٢٦-٠٣-٠٩ ١٤:٠٥"
    form.outcome = "delayed"
    form.delay_minutes = "٤٥"
    form.notes = "انتظرنا ٤٥ دقيقة عند الحاجز ۳"
    form.demands = "طلبوا \u200fالأوراق"
    saved = services.checkpoints.form(services.checkpoints.save(form))
    assert saved.notes == "انتظرنا ٤٥ دقيقة عند الحاجز ۳"
    assert saved.demands == "طلبوا \u200fالأوراق"
    assert saved.delay_minutes == "45"

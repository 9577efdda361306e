"""Sync status in words: relative times, sizes, the badge, failures for every code."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from app import errors
from app.errors import AuthRequired, SyncError
from app.services import SyncState, SyncStatus
from app.sync import SyncReport
from app.ui.messages import describe, describe_code, has, t
from app.ui.syncfmt import ago, badge, failure, progress, size

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def status(
    state: SyncState = SyncState.IDLE,
    *,
    pending: int = 0,
    last: datetime | None = None,
    failed: str | None = None,
    report: SyncReport | None = None,
) -> SyncStatus:
    return SyncStatus(state, pending, last, failed, report, None)


@pytest.mark.parametrize(
    ("delta", "words"),
    [
        (timedelta(seconds=20), "just now"),
        (timedelta(minutes=5, seconds=40), "5 min ago"),
        (timedelta(hours=3, minutes=59), "3 h ago"),
        (timedelta(hours=30), "yesterday"),
        (timedelta(days=4, hours=2), "4 days ago"),
        (timedelta(minutes=-3), "just now"),  # a clock a little ahead
    ],
)
def test_ago_reads_like_a_person_would_say_it(delta: timedelta, words: str) -> None:
    assert ago(NOW - delta, NOW) == words


def test_sizes_are_in_bytes_kb_and_mb() -> None:
    assert [size(820), size(14_540), size(3_250_000)] == ["820 B", "14.2 KB", "3.1 MB"]


def test_badge_says_when_what_waits_and_what_failed() -> None:
    synced = status(last=NOW - timedelta(minutes=5))
    assert badge(synced, NOW) == ("Synced 5 min ago", "planned")
    waiting = status(pending=3, last=NOW - timedelta(hours=2))
    assert badge(waiting, NOW) == ("Synced 2 h ago · 3 waiting", "pending")
    assert badge(status(pending=2), NOW) == ("Not synced yet · 2 waiting", "pending")
    failed = status(SyncState.FAILED, pending=1, failed="hub_unreachable")
    assert badge(failed, NOW) == ("Sync failed · 1 waiting", "conflict")
    running = status(
        SyncState.RUNNING, report=SyncReport(records_total=40, records_sent=12)
    )
    assert badge(running, NOW) == ("Syncing… 12 of 40", "pending")
    assert badge(status(SyncState.REVOKED), NOW)[1] == "conflict"


def test_progress_shows_records_and_bytes_and_is_full_when_done() -> None:
    report = SyncReport(
        records_total=40, records_sent=10, bytes_sent=20_480, bytes_received=512
    )
    shown = progress(status(SyncState.RUNNING, report=report))
    assert shown is not None and shown.fraction == 0.25
    assert shown.records == "10 of 40 changes sent"
    assert shown.transfer == "20.0 KB sent, 512 B received"
    report.done = True
    finished = progress(status(report=report))
    assert finished is not None and finished.fraction == 1.0
    starting = progress(status(SyncState.RUNNING))
    assert starting is not None and starting.fraction is None
    assert progress(status()) is None


def _sync_codes() -> list[str]:
    found = {
        cls.code
        for cls in vars(errors).values()
        if isinstance(cls, type) and issubclass(cls, SyncError)
    }
    return sorted(found)


@pytest.mark.parametrize("code", _sync_codes())
def test_every_sync_failure_code_has_its_own_actionable_words(code: str) -> None:
    text = describe_code(code)
    assert has(f"err.{code}") or has(f"sync.fail.{code}")
    assert "{" not in text
    # Each says what to do: retry, check something, or ask someone.
    assert any(w in text for w in ("Retry", "try again", "Check", "ask", "Ask"))


def test_failure_is_shown_only_for_a_failed_or_revoked_state() -> None:
    assert failure(status(failed=None)) is None
    assert failure(status(SyncState.RUNNING, failed="hub_unreachable")) is None
    text = failure(status(SyncState.FAILED, failed="hub_unreachable"))
    assert text is not None and text.startswith("No connection to the hub")
    assert failure(status(SyncState.REVOKED)) == describe_code("device_revoked")


@pytest.mark.parametrize(
    ("detail", "words"),
    [
        ("code_used", "already used"),
        ("code_expired", "expired"),
        ("unknown_code", "does not know this code"),
        ("stale_request", "date and time"),
        ("not_enrolled", "Settings"),
        ("something_new", "did not accept this phone"),
    ],
)
def test_describe_explains_why_the_hub_refused(detail: str, words: str) -> None:
    assert words in describe(AuthRequired(detail))


def test_store_failures_during_sync_are_described_too() -> None:
    assert describe_code("disk_full") == t("err.disk_full")
    assert describe_code("never_heard_of") == t("err.sync_error")


@pytest.mark.parametrize("code", ["sync_internal", "hub_busy"])
def test_an_unexpected_sync_error_and_a_busy_hub_are_told_in_plain_words(
    code: str,
) -> None:
    text = failure(status(SyncState.FAILED, failed=code))
    assert text is not None and text == describe_code(code)
    assert "try again by itself" in text or "tries again by itself" in text
    assert "safe on this phone" in text


def test_progress_after_a_run_counts_what_still_waits_not_a_full_bar() -> None:
    report = SyncReport(records_total=0, records_sent=0)
    report.done = True
    waiting = progress(status(pending=1, report=report))
    assert waiting is not None
    assert (waiting.fraction, waiting.records) == (
        0.0,
        "1 change still waiting (0 sent in the last sync)",
    )
    nothing = progress(status(report=report))
    assert nothing is not None
    assert (nothing.fraction, nothing.records) == (1.0, "Nothing needed sending.")
    report.records_sent = report.records_total = 3
    some = progress(status(pending=1, report=report))
    assert some is not None and some.fraction == 0.75

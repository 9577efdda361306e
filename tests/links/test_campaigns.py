"""Short versions of ``make crash`` and ``make soak`` (the full ones take minutes).

The crash campaign SIGKILLs a saving app process, a syncing app process and a hub
process on PostgreSQL mid-ingest, and restarts a private PostgreSQL cluster under
two hub processes; nothing acknowledged may be lost or stored twice, and the hubs
must answer 503 with Retry-After while the database is away, then recover alone.
The soak runs devices against two hub processes and reports each window.
"""

from __future__ import annotations

from pathlib import Path

from bench._crash import Campaign, run_campaign
from bench._soak import Soak, run_soak


def test_a_short_crash_campaign_loses_and_duplicates_nothing(tmp_path: Path) -> None:
    result = run_campaign(Campaign(app_save=2, app_sync=2, hub=2, pg=1), tmp_path)
    assert result.failures == []
    assert result.kills == {
        "app_saving": 2,
        "app_syncing": 2,
        "hub_ingesting": 2,
        "pg_restarts": 1,
    }
    assert result.figures["pg_503_answers"] > 0
    assert result.figures["app_saves_checked"] > 0  # kills landed mid-save


def test_a_short_soak_has_no_errors_and_reports_every_window(tmp_path: Path) -> None:
    out = run_soak(
        Soak(devices=10, seconds=16.0, window=8.0, warmup_windows=1), tmp_path
    )
    assert out["errors"] == 0, out["error_kinds"]
    assert len(out["p99_ms"]) == 2 and all(p > 0 for p in out["p50_ms"])
    assert all(len(r) == 2 for r in out["rss_mib"])  # both hub processes
    assert out["rss_growth_after_warmup"] < 0.5

"""The sealing benchmark runs and ends with its JSON line."""

from __future__ import annotations

import json

import pytest

from bench import sealing


def test_bench_prints_a_row_per_team_size_as_its_last_line(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert sealing.main(["--rounds", "2"]) == 0
    figures = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    rows = figures["rows"]
    assert [r["recipients"] for r in rows] == list(sealing.TEAMS)
    sizes = [r["bytes"] for r in rows]
    assert sizes == sorted(sizes) and sizes[0] > 0

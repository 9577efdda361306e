"""The coordination charts' value axis: a round top, steps a person can read."""

from __future__ import annotations

import pytest

from app.ui.views.coord_charts import _scale


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([1.0], (1.0, 1.0)),  # one contact: 0 and 1, not 0.5 and 1.1
        ([3.0, 1.0], (5.0, 1.0)),
        ([7.0], (10.0, 2.0)),
        ([12.0], (20.0, 10.0)),
        ([45.0, 120.0], (200.0, 100.0)),
        ([0.5], (0.5, 0.1)),
        ([0.0], (1.0, 1.0)),
    ],
)
def test_count_axis_tops_at_a_round_number_with_whole_steps(
    values: list[float], expected: tuple[float, float]
) -> None:
    top, step = _scale(values)
    assert (top, pytest.approx(step)) == expected

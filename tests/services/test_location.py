"""'Use my location': off until chosen, and only a position to about 1 km is kept."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.errors import ValidationFailed
from app.services import PlaceForm, Services, VaultGate, coarse_position
from tests.conftest import PASSPHRASE


def test_use_my_location_is_off_until_the_user_turns_it_on(services: Services) -> None:
    assert services.preferences.use_location() is False
    services.preferences.set_use_location(True)
    assert services.preferences.use_location() is True
    services.preferences.set_use_location(False)
    assert services.preferences.use_location() is False


def test_the_location_choice_is_kept_across_unlocks(gate: VaultGate) -> None:
    opened = gate.create(PASSPHRASE, PASSPHRASE)
    opened.preferences.set_use_location(True)
    opened.preferences.set_idle_timeout_s(60)
    opened.close()
    again = gate.unlock(PASSPHRASE)
    try:
        assert again.preferences.use_location() is True
        assert again.preferences.idle_timeout_s() == 60
    finally:
        again.close()


def test_a_fix_is_rounded_to_two_decimals_before_the_form_sees_it() -> None:
    assert coarse_position(lat=12.345678, lon=-45.678912) == ("12.35", "-45.68")
    assert coarse_position(lat=0.0, lon=180.0) == ("0.00", "180.00")


@given(
    lat=st.floats(min_value=-90, max_value=90),
    lon=st.floats(min_value=-180, max_value=180),
)
def test_a_rounded_fix_is_never_more_than_about_700_m_from_the_real_one(
    lat: float, lon: float
) -> None:
    shown_lat, shown_lon = coarse_position(lat=lat, lon=lon)
    # Two decimals: at most half a hundredth of a degree each way (<= 556 m).
    assert abs(float(shown_lat) - lat) <= 0.005 + 1e-9
    assert abs(float(shown_lon) - lon) <= 0.005 + 1e-9
    assert len(shown_lat.partition(".")[2]) == 2


@pytest.mark.parametrize(
    ("lat", "lon"), [(91.0, 0.0), (0.0, -181.0), (float("nan"), 0.0)]
)
def test_a_fix_off_the_globe_is_refused(lat: float, lon: float) -> None:
    with pytest.raises(ValidationFailed):
        coarse_position(lat=lat, lon=lon)


def test_a_located_place_is_saved_with_the_rounded_position(services: Services) -> None:
    lat, lon = coarse_position(lat=9.0301234, lon=38.7407654)
    place_id = services.places.save(PlaceForm(name="Market gate", lat=lat, lon=lon))
    form = services.places.form(place_id)
    assert (form.lat, form.lon) == ("9.03", "38.74")

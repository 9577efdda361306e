"""Read the phone's position once, for "Use my location" (Flet's geolocator).

Only a coarse fix is asked for (Android's coarse permission, "low" accuracy),
and the caller rounds it before it reaches a field: the exact position is never
shown, kept in a draft or saved.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

import flet_geolocator as ftg

__all__ = ["LocationUnavailable", "Position", "read_position"]

log = logging.getLogger(__name__)

# A coarse fix comes from the mobile network or Wi-Fi within seconds; give a
# satellite-only fix in the open a little longer before saying so.
_WAIT_S = 25.0
_REFUSED = {
    ftg.GeolocatorPermissionStatus.DENIED,
    ftg.GeolocatorPermissionStatus.DENIED_FOREVER,
}


@dataclass(frozen=True)
class Position:
    """One fix, exactly as the phone gave it: round it before showing it."""

    lat: float
    lon: float


class LocationUnavailable(Exception):
    """No position: ``reason`` is ``denied``, ``off`` or ``failed``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


async def read_position(keeper: object) -> Position:
    """Ask the phone (or browser) for its position once.

    ``keeper`` holds the geolocator service while the screen is up (Flet drops
    services nothing references).

    Raises:
        LocationUnavailable: when location is refused, off, or finds nothing.
    """
    geo = ftg.Geolocator(
        configuration=ftg.GeolocatorConfiguration(
            accuracy=ftg.GeolocatorPositionAccuracy.LOW
        )
    )
    keeper.geolocator = geo  # type: ignore[attr-defined]  # kept referenced
    try:
        if not await geo.is_location_service_enabled():
            raise LocationUnavailable("off")
        status = await geo.get_permission_status()
        if status in _REFUSED:
            status = await geo.request_permission()
        if status in _REFUSED:
            raise LocationUnavailable("denied")
        fix = await asyncio.wait_for(geo.get_current_position(), timeout=_WAIT_S)
    except LocationUnavailable:
        raise
    except Exception as exc:  # the platform's own errors: timeouts, no provider
        log.warning("position not read: %s", type(exc).__name__)
        raise LocationUnavailable("failed") from None
    if fix.latitude is None or fix.longitude is None:
        raise LocationUnavailable("failed")
    return Position(lat=float(fix.latitude), lon=float(fix.longitude))

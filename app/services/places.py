"""The team's own list of places: picked by name, created inline, coarse coordinates."""

from __future__ import annotations

from dataclasses import dataclass

from app.errors import RecordNotFound, ValidationFailed
from app.readmodel import Option, ReadModel
from app.services.authority import ensure_may_write
from app.services.validation import build, parse_coord, parse_id, require
from app.store import Store
from models import Coords, Place
from models.records import COORD_DECIMALS

__all__ = ["PlaceForm", "PlaceLine", "PlaceService", "coarse_position"]


@dataclass
class PlaceForm:
    """What the place form edits; strings as typed, so nothing is lost."""

    id: str = ""
    name: str = ""
    area: str = ""
    lat: str = ""
    lon: str = ""
    notes: str = ""


@dataclass(frozen=True)
class PlaceLine:
    """One place in the list: its name, and its area and position if known."""

    id: str
    name: str
    area: str
    position: str  # "9.01, 38.76", or "" when none was given


def coarse_position(*, lat: float, lon: float) -> tuple[str, str]:
    """A device's position as the place form shows it: rounded to about 1 km.

    The exact fix is never kept: only these rounded texts reach the form, its
    draft and the saved place.

    Raises:
        ValidationFailed: if the position is not on the globe (a broken fix).
    """
    errors: dict[str, str] = {}
    if not -90 <= lat <= 90:
        errors["lat"] = "out_of_range"
    if not -180 <= lon <= 180:
        errors["lon"] = "out_of_range"
    if errors:
        raise ValidationFailed(errors)
    return (
        f"{round(lat, COORD_DECIMALS):.{COORD_DECIMALS}f}",
        f"{round(lon, COORD_DECIMALS):.{COORD_DECIMALS}f}",
    )


class PlaceService:
    """Places: list, search, add, edit."""

    def __init__(self, store: Store, model: ReadModel) -> None:
        self._store = store
        self._model = model

    def search(self, query: str = "") -> list[Option]:
        """Places whose name contains ``query`` (any case), by name."""
        needle = query.strip().casefold()
        return [
            Option(str(p.id), p.name)
            for p in self._model.named(Place)
            if needle in p.name.casefold()
        ]

    def lines(self) -> list[PlaceLine]:
        """Every place by name, with what tells two of them apart."""
        return [
            PlaceLine(
                id=str(p.id),
                name=p.name,
                area=p.area,
                position=(
                    ""
                    if p.coords is None
                    else f"{p.coords.lat:.{COORD_DECIMALS}f}, "
                    f"{p.coords.lon:.{COORD_DECIMALS}f}"
                ),
            )
            for p in self._model.named(Place)
        ]

    def form(self, place_id: str) -> PlaceForm:
        """The form for an existing place.

        Raises:
            RecordNotFound: if there is no such place.
        """
        place = self._get(place_id)
        coords = place.coords
        return PlaceForm(
            id=str(place.id),
            name=place.name,
            area=place.area,
            lat="" if coords is None else str(coords.lat),
            lon="" if coords is None else str(coords.lon),
            notes=place.notes,
        )

    def save(self, form: PlaceForm) -> str:
        """Validate and save a place; returns its id.

        Raises:
            ValidationFailed: with field codes when the input breaks a rule.
            NotAllowed: renaming another team's place needs a coordinator.
        """
        errors: dict[str, str] = {}
        require(errors, "name", form.name)
        lat = parse_coord(form.lat, "lat", errors)
        lon = parse_coord(form.lon, "lon", errors)
        if (lat is None) != (lon is None) and not errors:
            errors["lat" if lat is None else "lon"] = "required"
        if errors:
            raise ValidationFailed(errors)
        coords = None
        if lat is not None and lon is not None:
            coords = build(Coords, lat=lat, lon=lon)
        fields = {
            "name": form.name.strip(),
            "area": form.area.strip(),
            "coords": coords,
            "notes": form.notes,
        }
        if form.id:
            base = self._get(form.id)
            kept = base.model_dump(exclude=set(fields))
            place = build(Place, **(kept | fields))
            ensure_may_write(self._store, base, place)
        else:
            place = build(Place, **fields)
        return str(self._store.save(place).id)

    def find_or_create(self, name: str) -> str:
        """Return the id of the place called ``name``, creating it when new."""
        clean = name.strip()
        for place in self._model.named(Place):
            if place.name.casefold() == clean.casefold():
                return str(place.id)
        return self.save(PlaceForm(name=clean))

    def _get(self, place_id: str) -> Place:
        place = self._model.record(Place, parse_id(place_id))
        if place is None:
            raise RecordNotFound()
        return place

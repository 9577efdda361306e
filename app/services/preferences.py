"""Per-vault preferences, sealed in the vault (never in SharedPreferences)."""

from __future__ import annotations

from app.errors import ValidationFailed
from app.store import Store

__all__ = ["IDLE_CHOICES_S", "PreferenceService"]

_PREFS = "ui.prefs"
IDLE_CHOICES_S = (60, 120, 300, 600, 900)


class PreferenceService:
    """Per-vault choices: the idle auto-lock delay, "Use my location"."""

    def __init__(self, store: Store, *, default_idle_s: int) -> None:
        self._store = store
        self._default_idle_s = default_idle_s

    def _all(self) -> dict[str, object]:
        found = self._store.get_meta(_PREFS)
        return dict(found) if isinstance(found, dict) else {}

    def idle_timeout_s(self) -> int:
        """Seconds without a touch before the app locks itself."""
        value = self._all().get("idle_s")
        return value if isinstance(value, int) and value > 0 else self._default_idle_s

    def set_idle_timeout_s(self, seconds: int) -> None:
        """Change the auto-lock delay.

        Raises:
            ValidationFailed: if ``seconds`` is not one of :data:`IDLE_CHOICES_S`.
        """
        if seconds not in IDLE_CHOICES_S:
            raise ValidationFailed({"idle_timeout": "bad_choice"})
        prefs = self._all()
        prefs["idle_s"] = seconds
        self._store.set_meta(_PREFS, prefs)

    def use_location(self) -> bool:
        """Whether the place form offers "Use my location" (off until turned on)."""
        return self._all().get("location") is True

    def set_use_location(self, on: bool) -> None:
        """Offer (or stop offering) "Use my location" on the place form."""
        prefs = self._all()
        prefs["location"] = bool(on)
        self._store.set_meta(_PREFS, prefs)

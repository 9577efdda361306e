"""Use cases the UI calls. No flet, no httpx: plain classes over an unlocked Store.

Two levels:

* :class:`VaultGate` is shared by the whole process and holds no keys. It tells
  whether a vault exists, creates one, and unlocks it.
* :class:`Services` is what one unlocked UI session works with. Each browser tab (each
  Flet session) gets its own, built around its own :class:`~app.store.Store`, so keys
  unlocked in one session are never reachable from another.

To add a feature (guidance, sync...), add a field to :class:`Services` and build it in
:func:`open_services`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

from app.services.actors import ActorForm, ActorPage, ActorRow, ActorService
from app.services.checkpoints import CheckpointForm, CheckpointService, QuickChoices
from app.services.contacts import ContactForm, ContactService
from app.services.drafts import Draft, DraftService
from app.services.gate import VaultGate
from app.services.guidance import GuidanceLibrary, GuidanceService
from app.services.passphrase import Strength, strength
from app.services.places import PlaceForm, PlaceService
from app.services.preferences import IDLE_CHOICES_S, PreferenceService
from app.services.records import HomeOverview, RecordFilter, RecordService, Revision
from app.services.security import WIPE_CHOICES, SecurityService
from app.services.snapshot import Option, RecordRow
from app.store import Store, Vault

__all__ = [
    "IDLE_CHOICES_S",
    "WIPE_CHOICES",
    "ActorForm",
    "ActorPage",
    "ActorRow",
    "ActorService",
    "CheckpointForm",
    "CheckpointService",
    "ContactForm",
    "ContactService",
    "Draft",
    "DraftService",
    "HomeOverview",
    "Option",
    "PlaceForm",
    "PlaceService",
    "PreferenceService",
    "QuickChoices",
    "RecordFilter",
    "RecordRow",
    "RecordService",
    "Revision",
    "SecurityService",
    "Services",
    "ServicesFactory",
    "Strength",
    "VaultGate",
    "open_services",
    "strength",
]


@dataclass
class Services:
    """Everything one unlocked session may do; dropped (store closed) on lock."""

    actors: ActorService
    places: PlaceService
    checkpoints: CheckpointService
    contacts: ContactService
    records: RecordService
    drafts: DraftService
    preferences: PreferenceService
    security: SecurityService
    guidance: GuidanceService
    _store: Store

    @property
    def is_open(self) -> bool:
        """False once locked."""
        return self._store.is_open

    def close(self) -> None:
        """Lock: close the store and drop its keys."""
        self._store.close()


ServicesFactory = Callable[[Store, Vault], Services]


@cache
def _bundled_guidance() -> GuidanceLibrary:
    return GuidanceLibrary.bundled()


def open_services(
    store: Store,
    vault: Vault,
    *,
    default_idle_s: int = 300,
    guidance: GuidanceLibrary | None = None,
) -> Services:
    """Build the services of one unlocked session around its own store.

    ``guidance`` is the process-wide library the composition root built from the
    installed content pack; without it (tests, tools) the bundled pack is used.
    """
    drafts = DraftService(store)
    library = guidance or _bundled_guidance()
    return Services(
        actors=ActorService(store),
        places=PlaceService(store),
        checkpoints=CheckpointService(store),
        contacts=ContactService(store),
        records=RecordService(store),
        drafts=drafts,
        preferences=PreferenceService(store, default_idle_s=default_idle_s),
        security=SecurityService(vault),
        guidance=GuidanceService(library, store, drafts),
        _store=store,
    )

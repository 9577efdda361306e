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
from pathlib import Path

from app.services.actors import ActorForm, ActorPage, ActorRow, ActorService
from app.services.checkpoints import CheckpointForm, CheckpointService, QuickChoices
from app.services.contacts import ContactForm, ContactService
from app.services.drafts import Draft, DraftService
from app.services.enroll import Enrollment, EnrollService
from app.services.gate import VaultGate
from app.services.guidance import (
    GuidanceLibrary,
    GuidanceService,
    Pack,
    bundled_pack_dir,
)
from app.services.hublink import RemoteWipe, VaultSync, stop_in_background
from app.services.hubpacks import HubPacks
from app.services.passphrase import Strength, strength
from app.services.places import PlaceForm, PlaceService
from app.services.preferences import IDLE_CHOICES_S, PreferenceService
from app.services.records import HomeOverview, RecordFilter, RecordService, Revision
from app.services.security import WIPE_CHOICES, Protection, SecurityService
from app.services.snapshot import Option, RecordRow
from app.services.sync import SyncService, SyncState, SyncStatus
from app.services.teams import TeamRows, TeamsService
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
    "EnrollService",
    "Enrollment",
    "HomeOverview",
    "HubPacks",
    "Option",
    "PlaceForm",
    "PlaceService",
    "PreferenceService",
    "Protection",
    "QuickChoices",
    "RemoteWipe",
    "RecordFilter",
    "RecordRow",
    "RecordService",
    "Revision",
    "SecurityService",
    "Services",
    "ServicesFactory",
    "Strength",
    "SyncService",
    "SyncState",
    "SyncStatus",
    "TeamRows",
    "TeamsService",
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
    enroll: EnrollService
    sync: SyncService
    remote_wipe: RemoteWipe
    teams: TeamsService

    @property
    def is_open(self) -> bool:
        """False once locked."""
        return self._store.is_open

    def close(self) -> None:
        """Lock: stop sync (without waiting on the network), close the store."""
        stop_in_background(self.sync)
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
    packs_dir: Path | None = None,
    on_pack: Callable[[GuidanceLibrary], None] | None = None,
) -> Services:
    """Build the services of one unlocked session around its own store.

    ``guidance`` is the process-wide library the composition root built from the
    installed content pack; without it (tests, tools) the bundled pack is used.
    Background sync starts at once when the device is enrolled with a hub.
    ``packs_dir`` is where guidance packs from the hub are installed (none are
    taken when it is ``None``); after an install this session reads the new pack
    and ``on_pack`` hands it to the sessions opened later.
    """
    drafts = DraftService(store)
    library = guidance or _bundled_guidance()
    remote_wipe = RemoteWipe(store, vault)

    def installed(pack: Pack) -> None:
        fresh = GuidanceLibrary(pack)
        services.guidance.library = fresh
        if on_pack is not None:
            on_pack(fresh)

    packs = (
        HubPacks.create(packs_dir, bundled=bundled_pack_dir(), on_installed=installed)
        if packs_dir is not None
        else None
    )
    sync = VaultSync(store, vault_root=vault.root, installer=packs, on_wipe=remote_wipe)
    services = Services(
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
        enroll=EnrollService(store),
        sync=sync,
        remote_wipe=remote_wipe,
        teams=TeamsService(store),
    )
    if services.enroll.enrollment() is not None:
        sync.start()
    return services

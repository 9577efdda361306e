"""One unlocked session's services, and how they are built around its store."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from app.readmodel import ReadModel
from app.services.actors import ActorService
from app.services.checkpoints import CheckpointService
from app.services.contacts import ContactService
from app.services.coordination import CoordinationService
from app.services.courier import Courier, Sealer, open_session
from app.services.drafts import DraftService
from app.services.enroll import EnrollService
from app.services.exports import ExportService
from app.services.guidance import (
    GuidanceLibrary,
    GuidanceService,
    Pack,
    bundled_pack_dir,
)
from app.services.hublink import RemoteWipe, VaultSync, stop_in_background
from app.services.hubpacks import HubPacks
from app.services.outbox import OutboxService
from app.services.places import PlaceService
from app.services.preferences import PreferenceService
from app.services.records import RecordService
from app.services.security import SecurityService
from app.services.sync import SyncService
from app.services.teams import TeamsService
from app.store import Store, Vault

__all__ = ["Services", "ServicesFactory", "open_services"]


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
    _model: ReadModel
    enroll: EnrollService
    sync: SyncService
    remote_wipe: RemoteWipe
    teams: TeamsService
    exports: ExportService
    coordination: CoordinationService
    outbox: OutboxService
    _sealer: Sealer | None = None
    _courier: Courier | None = None

    @property
    def is_open(self) -> bool:
        """False once locked."""
        return self._store.is_open

    @property
    def ready(self) -> bool:
        """True once the session's records are loaded (see :meth:`wait_ready`)."""
        return self._model.ready

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Wait for the session's records to be loaded; False on timeout."""
        return self._model.wait(timeout)

    def on_records_changed(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call ``listener`` (on the writing thread) when the records are loaded or
        change, a sync page from the hub included; returns unsubscribe."""
        return self._model.subscribe(listener)

    def close(self) -> None:
        """Lock: stop sync (without waiting on the network), drop every decrypted
        record, close the store."""
        if self._sealer is not None:
            self._sealer.flush()  # what is left goes to the send queue, sealed
        stop_in_background(self.sync)
        self._model.close()
        self._store.close()
        if self._courier is not None:
            self._courier.resume()  # send it while locked
            self._courier = None


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
    courier: Courier | None = None,
) -> Services:
    """Build the services of one unlocked session around its own store.

    ``guidance`` is the process-wide library the composition root built from the
    installed content pack; without it (tests, tools) the bundled pack is used.
    The session's read model starts loading at once, on its own thread.
    Background sync starts at once when the device is enrolled with a hub.
    ``packs_dir`` is where guidance packs from the hub are installed (none are
    taken when it is ``None``); after an install this session reads the new pack
    and ``on_pack`` hands it to the sessions opened later. With a ``courier``
    (the app's), saved contacts are sealed into the send queue at once and sent
    while the app is locked; what it sent meanwhile is marked sent now.
    """
    sealer = open_session(store, vault, courier) if courier is not None else None
    try:
        return _build(
            store,
            vault,
            sealer=sealer,
            courier=courier,
            default_idle_s=default_idle_s,
            guidance=guidance,
            packs_dir=packs_dir,
            on_pack=on_pack,
        )
    except BaseException:
        if sealer is not None and courier is not None:
            sealer.flush()
            courier.resume()
        raise


def _build(
    store: Store,
    vault: Vault,
    *,
    sealer: Sealer | None,
    courier: Courier | None,
    default_idle_s: int,
    guidance: GuidanceLibrary | None,
    packs_dir: Path | None,
    on_pack: Callable[[GuidanceLibrary], None] | None,
) -> Services:
    model = ReadModel(store)
    model.start()
    drafts = DraftService(store)
    library = guidance or _bundled_guidance()
    remote_wipe = RemoteWipe(store, vault)

    def installed(pack: Pack) -> None:
        fresh = GuidanceLibrary(pack)
        services.guidance.use(fresh)  # this session keeps its language
        if on_pack is not None:
            on_pack(fresh)

    packs = (
        HubPacks.create(packs_dir, bundled=bundled_pack_dir(), on_installed=installed)
        if packs_dir is not None
        else None
    )
    sync = VaultSync(
        store,
        vault_root=vault.root,
        installer=packs,
        on_wipe=remote_wipe,
        queue=courier.queue if courier is not None else None,
    )
    services = Services(
        actors=ActorService(store, model),
        places=PlaceService(store, model),
        checkpoints=CheckpointService(store, model),
        contacts=ContactService(store, model),
        records=RecordService(store, model),
        drafts=drafts,
        preferences=PreferenceService(store, default_idle_s=default_idle_s),
        security=SecurityService(vault),
        guidance=GuidanceService(library, store, drafts),
        _store=store,
        _model=model,
        enroll=EnrollService(store),
        sync=sync,
        remote_wipe=remote_wipe,
        teams=TeamsService(model),
        exports=ExportService(store, model),
        coordination=CoordinationService(store, model),
        outbox=OutboxService(store, model),
        _sealer=sealer,
        _courier=courier,
    )
    if services.enroll.enrollment() is not None:
        sync.start()
    return services

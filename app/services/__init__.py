"""Use cases the UI calls. No flet, no httpx: plain classes over an unlocked Store.

Two levels:

* :class:`VaultGate` is shared by the whole process and holds no keys. It tells
  whether a vault exists, creates one, and unlocks it.
* :class:`Services` is what one unlocked UI session works with. Each browser tab (each
  Flet session) gets its own, built around its own :class:`~app.store.Store` and
  :class:`~app.readmodel.ReadModel`, so keys and decrypted records of one session
  are never reachable from another.

To add a feature (guidance, sync...), add a field to :class:`Services` and build it in
:func:`open_services` (both in :mod:`app.services.unlocked`).
"""

from __future__ import annotations

from app.readmodel import (
    Cards,
    Day,
    Detail,
    Label,
    Labels,
    Lines,
    Moment,
    Option,
    RecordFilter,
    RecordRow,
    RecordType,
    RowPage,
    Target,
    Text,
    Value,
    listed_kinds,
    statuses,
    type_for,
)
from app.services.actors import ActorForm, ActorPage, ActorRow, ActorService
from app.services.checkpoints import CheckpointForm, CheckpointService, QuickChoices
from app.services.contacts import ContactForm, ContactService
from app.services.drafts import Draft, DraftService
from app.services.enroll import Enrollment, EnrollService
from app.services.gate import VaultGate
from app.services.hublink import RemoteWipe
from app.services.hubpacks import HubPacks
from app.services.outbox import OutboxService, RecordSync, SendState
from app.services.passphrase import Strength, strength
from app.services.places import (
    PlaceForm,
    PlaceLine,
    PlaceService,
    coarse_position,
)
from app.services.preferences import IDLE_CHOICES_S, PreferenceService
from app.services.records import HomeOverview, RecordService, Revision
from app.services.security import WIPE_CHOICES, Protection, SecurityService
from app.services.sync import SyncService, SyncState, SyncStatus
from app.services.teams import TeamRows, TeamsService
from app.services.unlocked import Services, ServicesFactory, open_services

__all__ = [
    "IDLE_CHOICES_S",
    "WIPE_CHOICES",
    "ActorForm",
    "ActorPage",
    "ActorRow",
    "ActorService",
    "Cards",
    "CheckpointForm",
    "CheckpointService",
    "ContactForm",
    "ContactService",
    "Day",
    "Detail",
    "Draft",
    "DraftService",
    "EnrollService",
    "Enrollment",
    "HomeOverview",
    "HubPacks",
    "Label",
    "Labels",
    "Lines",
    "Moment",
    "Option",
    "OutboxService",
    "PlaceForm",
    "PlaceLine",
    "PlaceService",
    "coarse_position",
    "PreferenceService",
    "Protection",
    "QuickChoices",
    "RecordFilter",
    "RecordRow",
    "RecordService",
    "RecordSync",
    "RecordType",
    "RemoteWipe",
    "Revision",
    "RowPage",
    "SecurityService",
    "SendState",
    "Services",
    "ServicesFactory",
    "Strength",
    "SyncService",
    "SyncState",
    "SyncStatus",
    "Target",
    "TeamRows",
    "TeamsService",
    "Text",
    "Value",
    "VaultGate",
    "listed_kinds",
    "open_services",
    "statuses",
    "strength",
    "type_for",
]

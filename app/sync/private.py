"""Private fields of registry records: sealed on the way out, opened on the way in.

See :mod:`models.wire.private`. Out: a revision's private fields become one
envelope op, sealed to the follow-up's team (or, for an actor's or place's
notes, the writer's team) and the coordinators. In: the envelopes a snapshot
carries are opened with this device's keys; one that does not open leaves a
follow-up unreadable (it is skipped) and an entry's notes empty.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from app.store import Store
from app.sync.identity import Identity
from app.sync.sealing import open_sealed_value, reading_keys, seal_for_team
from models import RECORD_TYPES, RecordKind, SyncedRecord
from models.enums import Role
from models.keys import CryptoError
from models.wire import RegistrySnapshot, WireError
from models.wire.private import (
    SEALED_OP,
    TEAM_OP,
    TEAM_PREFIX,
    is_sealed_cell,
    pack_private,
    private_context,
    private_op,
    team_cell,
    unpack_private,
)

__all__ = ["Opened", "PrivateOpener", "PrivateSealer", "team_values_meta"]

_FAILED = (CryptoError, WireError, ValueError)


def team_values_meta(record_id: uuid.UUID) -> str:
    """Meta name of other teams' private values of an entry (coordinators)."""
    return f"registry.teams.{record_id.hex}"


class PrivateSealer:
    """Turns a registry revision's private changes into one sealed op."""

    def __init__(self, store: Store, identity: Identity, *, now_ms: int) -> None:
        self.store = store
        self.identity = identity
        self.now_ms = now_ms

    def ops(
        self, rev: SyncedRecord, changes: list[tuple[str, Any]], *, forced: bool
    ) -> list[tuple[str, Any]]:
        """``changes`` with private fields replaced by their envelope op.

        The envelope holds every private field of ``rev`` (not only the changed
        ones): it replaces the previous one whole. It is made again when the
        follow-up changes team, or when the hub refused the previous one.
        """
        kind = RecordKind(rev.kind)
        op = private_op(kind)
        if op is None:
            return changes
        private = RECORD_TYPES[kind].private
        plain = [(f, v) for f, v in changes if f not in private]
        moved = op == SEALED_OP and any(f == "team" for f, _ in plain)
        if not (forced or moved or len(plain) != len(changes)):
            return plain
        values = rev.model_dump(mode="json", include=set(private))
        team = rev.team if op == SEALED_OP else self.identity.team
        box = seal_for_team(
            self.store,
            self.identity,
            pack_private(values),
            team=team,
            context=private_context(kind, rev.id.hex, op),
            now_ms=self.now_ms,
        )
        return [*plain, (op, box)]


@dataclass(frozen=True)
class Opened:
    """A snapshot's fields with its envelopes opened."""

    fields: dict[str, Any]
    losers: list[list[Any]]
    # Coordinators: other teams' private values of a shared entry, by team.
    teams: list[list[Any]]


class PrivateOpener:
    """Opens the envelopes of pulled registry snapshots with this device's keys."""

    def __init__(self, store: Store, identity: Identity) -> None:
        self.identity = identity
        self.keys = reading_keys(store, identity)
        self.mine = team_cell(identity.team)

    def _open(
        self,
        kind: RecordKind,
        record_id: uuid.UUID,
        cell: str,
        box: Any,
        *,
        team: Any = None,
    ) -> tuple[str, dict[str, Any]]:
        """Open one envelope and check its author could have written it there.

        A team cell holds only its own team's envelope; a follow-up's only one
        from a device of its team or a coordinator; a briefing's only one from a
        coordinator. Anything else is refused as forged (the hub moved or
        invented it, or a field device wrote what it may not).
        """
        if not isinstance(box, bytes):
            raise ValueError("envelope")
        context = private_context(kind, record_id.hex, _op_of(cell))
        opened = open_sealed_value(self.keys, self.identity, box, context=context)
        author = opened.author
        coordinator = author.role == Role.COORDINATOR.value
        if RECORD_TYPES[kind].coordinator_only:
            allowed = coordinator
        elif cell == SEALED_OP:
            allowed = author.team == team or coordinator
        else:
            allowed = cell == team_cell(author.team)
        if not allowed:
            raise CryptoError("author")
        return author.team, unpack_private(kind, opened.plaintext)

    def open(self, snap: RegistrySnapshot, record_id: uuid.UUID) -> Opened | None:
        """Open ``snap``; ``None`` when a follow-up's envelope does not open."""
        kind = RecordKind(snap.kind)
        op = private_op(kind)
        fields = {k: v for k, v in snap.fields.items() if not is_sealed_cell(k)}
        teams: list[list[Any]] = []
        for cell, box in snap.fields.items():
            if op is None or not _is_envelope(cell):
                continue
            try:
                team, values = self._open(
                    kind, record_id, cell, box, team=fields.get("team")
                )
            except _FAILED:
                if cell == SEALED_OP:
                    return None
                continue
            if cell in (SEALED_OP, self.mine):
                fields.update(values)
            else:
                teams.append([team, values])
        losers = self._losers(snap, kind, record_id, fields)
        return Opened(fields, losers, sorted(teams, key=lambda t: str(t[0])))

    def _losers(
        self,
        snap: RegistrySnapshot,
        kind: RecordKind,
        record_id: uuid.UUID,
        fields: dict[str, Any],
    ) -> list[list[Any]]:
        out: list[list[Any]] = []
        for name, lost in snap.losers.items():
            if not is_sealed_cell(name):
                out += [[name, *loser] for loser in lost]
                continue
            if name not in (SEALED_OP, self.mine):
                continue
            for value, hlc, device in lost:
                try:
                    _, values = self._open(
                        kind, record_id, name, value, team=fields.get("team")
                    )
                except _FAILED:
                    continue
                out += [
                    [f, v, hlc, device] for f, v in values.items() if fields.get(f) != v
                ]
        return out


def _is_envelope(cell: str) -> bool:
    return cell == SEALED_OP or cell.startswith(TEAM_PREFIX)


def _op_of(cell: str) -> str:
    """The op an envelope was sealed under: a team cell holds a ``~team`` op."""
    return SEALED_OP if cell == SEALED_OP else TEAM_OP

"""Who may write what: one rule set, applied by the hub and by every device.

Authority comes from the signing device's certificate (:class:`Writer`), never
from what a payload claims. Each rule returns ``None`` (allowed) or a refusal
code of :mod:`models.refusals`.

* Claims: a revision's ``device`` must be the signer; its ``team`` the signer's
  team (a coordinator may write under any team: it annotates every team's
  records).
* Records: a contact, checkpoint log or follow-up belongs to the team of its
  first revision (its owner). A field device writes only its own team's
  records. A coordinator may write any, and may assign a follow-up to another
  team, which then owns it.
* Registry entries (actors, places): anyone may create one and add aliases;
  renaming, deleting or merging (``merged_into``) an entry another team created
  needs a coordinator.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.enums import Role

__all__ = [
    "GUARDED_FIELDS",
    "Writer",
    "claim_refusal",
    "entry_refusal",
    "owner_after",
    "record_refusal",
]

# Registry fields only the creating team or a coordinator may change.
GUARDED_FIELDS = frozenset({"name", "deleted", "merged_into"})


@dataclass(frozen=True)
class Writer:
    """The signing device, as its verified certificate says."""

    device: str
    team: str
    role: str

    @property
    def coordinator(self) -> bool:
        """True for a coordinator's device."""
        return self.role == Role.COORDINATOR.value


def claim_refusal(
    writer: Writer, *, device: str | None = None, team: str | None = None
) -> str | None:
    """A claimed author device or team that the certificate does not back.

    ``None`` for a claim not made. A coordinator may claim any team.
    """
    if device is not None and device != writer.device:
        return "device_mismatch"
    if team is not None and team != writer.team and not writer.coordinator:
        return "team_mismatch"
    return None


def record_refusal(
    writer: Writer, *, owner: str | None, team: str | None = None
) -> str | None:
    """May ``writer`` write a revision of a team-owned record?

    ``owner`` is the team of the record's first revision (``None``: a new
    record), ``team`` the team the revision names (a follow-up's assignment).
    """
    if writer.coordinator:
        return None
    if owner is not None and owner != writer.team:
        return "not_owner"
    if team is not None and team != writer.team:
        return "team_mismatch"
    return None


def owner_after(writer: Writer, *, owner: str | None, team: str | None) -> str:
    """The owner of a record once ``writer``'s allowed revision is applied.

    A new record belongs to the team it names (else the writer's); a
    coordinator's assignment to another team hands it over.
    """
    if owner is None:
        return team if team else writer.team
    if writer.coordinator and team:
        return team
    return owner


def entry_refusal(writer: Writer, *, creator: str | None, field: str) -> str | None:
    """May ``writer`` set ``field`` of a registry entry created by team ``creator``?

    ``creator`` ``None``: the entry is new (anyone may create it).
    """
    if creator is None or creator == writer.team or writer.coordinator:
        return None
    if field in GUARDED_FIELDS:
        return "needs_coordinator"
    return None

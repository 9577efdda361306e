"""The read model: one session's records, decrypted and validated once, kept current.

It sits between the store and the services: it reads the store once after unlock,
then follows the store's change announcements. The registry of record types
(:mod:`app.readmodel.kinds`) lives here too, so the model, the services and the
views all ask the same place what a record type is.
"""

from app.readmodel.kinds import (
    TYPES,
    Cards,
    Day,
    Detail,
    Label,
    Labels,
    Lines,
    Moment,
    RecordType,
    Target,
    Text,
    Value,
    listed_kinds,
    named_kinds,
    of_type,
    statuses,
    type_for,
    type_of,
)
from app.readmodel.model import ReadModel, TeamPage
from app.readmodel.rows import Option, RecordFilter, RecordRow, RowPage, fold

__all__ = [
    "TYPES",
    "Cards",
    "Day",
    "Detail",
    "Label",
    "Labels",
    "Lines",
    "Moment",
    "Option",
    "ReadModel",
    "RecordFilter",
    "RecordRow",
    "RecordType",
    "RowPage",
    "Target",
    "TeamPage",
    "Text",
    "Value",
    "fold",
    "listed_kinds",
    "named_kinds",
    "of_type",
    "statuses",
    "type_for",
    "type_of",
]

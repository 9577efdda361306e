"""Guidance library: method and approach cards, a situation picker, offline search.

Screens use four objects, built by the composition root:

- :class:`PackInstaller` picks the pack in use (installed or bundled) and installs
  newer ones: ``pack = installer.active()``.
- :class:`GuidanceLibrary` over that pack: list by kind, read a card, related cards,
  search, the picker's questions and ranking, in one language:
  ``library.in_language("fr")`` reads the same pack in French, and
  ``library.localized(card_id)`` returns a :class:`LocalizedCard` whose ``fallback``
  says the card is shown in the base language because the pack lacks a current
  translation.
- :class:`ReadingList` over the unlocked vault store: bookmarks and recently read.
- :class:`Situation` holds the picker answers a screen collected.
- :func:`mark_consulted` notes on a contact draft that a card was read for it.
- :class:`GuidanceService` is what one unlocked session's screens use: the shared
  library, that vault's reading list, and marking cards consulted on a contact
  draft (:class:`ConsultTarget`).
"""

from app.services.guidance.consulted import mark_consulted, unmark_consulted
from app.services.guidance.install import PackInstaller, Verifier
from app.services.guidance.library import GuidanceLibrary, bundled_pack_dir
from app.services.guidance.model import (
    ACTOR_SECTIONS,
    PLAYBOOK_SECTIONS,
    Card,
    CardKind,
    Language,
    LocalizedCard,
    PackInfo,
    Problem,
)
from app.services.guidance.pack import Pack, check_files, load_pack, load_pack_files
from app.services.guidance.packfiles import build_archive, read_archive, read_dir
from app.services.guidance.picker import (
    QUESTIONS,
    Option,
    PickResult,
    Question,
    Ranked,
    Reason,
    Situation,
    Suggestion,
)
from app.services.guidance.reading import MetaStore, ReadingList
from app.services.guidance.search import Hit
from app.services.guidance.session import ConsultTarget, GuidanceService
from app.services.guidance.text import fold

__all__ = [
    "ACTOR_SECTIONS",
    "PLAYBOOK_SECTIONS",
    "QUESTIONS",
    "Card",
    "CardKind",
    "ConsultTarget",
    "GuidanceLibrary",
    "GuidanceService",
    "Hit",
    "Language",
    "LocalizedCard",
    "MetaStore",
    "Option",
    "Pack",
    "PackInfo",
    "PackInstaller",
    "PickResult",
    "Problem",
    "Question",
    "Ranked",
    "Reason",
    "ReadingList",
    "Situation",
    "Suggestion",
    "Verifier",
    "build_archive",
    "bundled_pack_dir",
    "check_files",
    "fold",
    "load_pack",
    "load_pack_files",
    "mark_consulted",
    "read_archive",
    "read_dir",
    "unmark_consulted",
]

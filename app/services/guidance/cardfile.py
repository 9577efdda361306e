"""Read one card file: TOML front matter between ``+++`` lines, then Markdown.

A card in the pack's base language carries every field. A translation carries
only its own words (``title``, ``summary``, ``tags``) and ``translates``, the
version of the base card it follows; the rest comes from the base card.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from typing import Any

from app.errors import ContentError
from app.services.guidance.model import (
    CARD_ID_PREFIX,
    Card,
    CardKind,
    Language,
    required_sections,
)
from app.services.guidance.text import plain_text
from models.enums import ActorType

__all__ = ["MAX_CARD_WORDS", "parse_card", "parse_translation", "reading_words"]

FENCE = "+++"
TITLE_MAX = 80
SUMMARY_MAX = 200
# What a reader sees (title, summary, body), in words: about six phone screens.
MAX_CARD_WORDS = 700
_SLUG = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_REQUIRED = {
    "id": str,
    "title": str,
    "kind": str,
    "summary": str,
    "tags": list,
    "actor_types": list,
    "outcomes": list,
    "related": list,
    "version": int,
}
_OPTIONAL = {"order": int}
_TRANSLATED = {
    "id": str,
    "title": str,
    "summary": str,
    "tags": list,
    "translates": int,
}
_ACTOR_TYPES = frozenset(a.value for a in ActorType)


def parse_card(text: str, *, name: str, language: str = "en") -> Card:
    """Parse and check one card file.

    Args:
        text: the whole file, UTF-8 decoded.
        name: the file's path inside the pack (``en/cards/<id>.md``), for errors.
        language: the code of the language folder the file is in.

    Returns:
        The card, with its body split into sections.

    Raises:
        ContentError: the front matter or the sections break a rule; ``where`` is
            ``name``.
    """
    front, body = _split(text, name=name)
    data = _fields(front, name=name)
    kind = _kind(data["kind"], name=name)
    card_id = _card_id(data["id"], kind=kind, name=name)
    lead, sections = _sections(body)
    _check_sections(sections, required_sections(kind), name=name)
    if reading_words(data["title"], data["summary"], body) > MAX_CARD_WORDS:
        raise ContentError("card_too_long", name)
    return Card(
        id=card_id,
        title=_line(data["title"], TITLE_MAX, field="title", name=name),
        kind=kind,
        summary=_line(data["summary"], SUMMARY_MAX, field="summary", name=name),
        tags=_words(data["tags"], field="tags", name=name, empty_ok=False),
        actor_types=_actor_types(data["actor_types"], kind=kind, name=name),
        outcomes=_words(data["outcomes"], field="outcomes", name=name),
        related=_words(data["related"], field="related", name=name, empty_ok=False),
        version=_positive(data["version"], field="version", name=name),
        body=body.strip() + "\n",
        lead=lead,
        sections=tuple(sections),
        order=int(data.get("order", 1000)),
        language=language,
        keys=tuple(head for head, _ in sections),
    )


def parse_translation(text: str, *, name: str, base: Card, language: Language) -> Card:
    """Parse and check a translated card against the base card it translates.

    The fixed sections of method, approach and actor cards must carry the
    language's headings (``language.headings``), in the base order.

    Raises:
        ContentError: the front matter or the sections break a rule; ``where`` is
            ``name``.
    """
    front, body = _split(text, name=name)
    data = _fields(front, name=name, required=_TRANSLATED, optional={})
    if data["id"] != base.id or _file_id(name) != base.id:
        raise ContentError("id_not_file_name", name)
    translates = _positive(data["translates"], field="translates", name=name)
    if translates > base.version:
        raise ContentError("bad_field_translates", name)
    lead, sections = _sections(body)
    wanted = tuple(language.heading(h) for h in required_sections(base.kind))
    _check_sections(sections, wanted, name=name)
    if reading_words(data["title"], data["summary"], body) > MAX_CARD_WORDS:
        raise ContentError("card_too_long", name)
    keys = required_sections(base.kind) or tuple(head for head, _ in sections)
    return Card(
        id=base.id,
        title=_line(data["title"], TITLE_MAX, field="title", name=name),
        kind=base.kind,
        summary=_line(data["summary"], SUMMARY_MAX, field="summary", name=name),
        tags=_words(data["tags"], field="tags", name=name, empty_ok=False),
        actor_types=base.actor_types,
        outcomes=base.outcomes,
        related=base.related,
        version=translates,
        body=body.strip() + "\n",
        lead=lead,
        sections=tuple(sections),
        order=base.order,
        language=language.code,
        keys=keys,
    )


def reading_words(title: str, summary: str, body: str) -> int:
    """How many words a reader meets on a card: title, summary and body text.

    Words are what spaces separate, once the Markdown marks are gone; a lone
    punctuation mark (French puts a space before ``:`` and ``?``) is not one.
    """
    text = f"{title} {summary} {plain_text(body)}"
    return sum(1 for token in text.split() if any(ch.isalnum() for ch in token))


def _split(text: str, *, name: str) -> tuple[str, str]:
    lines = text.lstrip("\ufeff").splitlines(keepends=True)
    if not lines or lines[0].strip() != FENCE:
        raise ContentError("no_front_matter", name)
    for index, line in enumerate(lines[1:], start=1):
        if line.strip() == FENCE:
            return "".join(lines[1:index]), "".join(lines[index + 1 :])
    raise ContentError("no_front_matter", name)


def _fields(
    front: str,
    *,
    name: str,
    required: Mapping[str, type] = _REQUIRED,
    optional: Mapping[str, type] = _OPTIONAL,
) -> dict[str, Any]:
    try:
        data = tomllib.loads(front)
    except tomllib.TOMLDecodeError:
        raise ContentError("bad_front_matter", name) from None
    for key, expected in required.items():
        if key not in data:
            raise ContentError(f"missing_field_{key}", name)
        if not isinstance(data[key], expected) or isinstance(data[key], bool):
            raise ContentError(f"bad_field_{key}", name)
    for key in data:
        if key not in required and key not in optional:
            raise ContentError("unknown_field", name)
    for key, expected in optional.items():
        if key in data and (
            not isinstance(data[key], expected) or isinstance(data[key], bool)
        ):
            raise ContentError(f"bad_field_{key}", name)
    return data


def _file_id(name: str) -> str:
    return name.rsplit("/", 1)[-1].removesuffix(".md")


def _kind(value: str, *, name: str) -> CardKind:
    try:
        return CardKind(value)
    except ValueError:
        raise ContentError("bad_field_kind", name) from None


def _card_id(value: str, *, kind: CardKind, name: str) -> str:
    prefix = CARD_ID_PREFIX[kind]
    if not value.startswith(prefix) or not _SLUG.match(value[len(prefix) :]):
        raise ContentError("bad_card_id", name)
    if _file_id(name) != value:
        raise ContentError("id_not_file_name", name)
    return value


def _line(value: str, limit: int, *, field: str, name: str) -> str:
    text = value.strip()
    if not text or "\n" in text or len(text) > limit:
        raise ContentError(f"bad_field_{field}", name)
    return text


def _words(
    value: list[Any], *, field: str, name: str, empty_ok: bool = True
) -> tuple[str, ...]:
    if not empty_ok and not value:
        raise ContentError(f"empty_field_{field}", name)
    if not all(isinstance(item, str) and item.strip() for item in value):
        raise ContentError(f"bad_field_{field}", name)
    if len(set(value)) != len(value):
        raise ContentError(f"duplicate_in_{field}", name)
    return tuple(item.strip() for item in value)


def _actor_types(value: list[Any], *, kind: CardKind, name: str) -> tuple[str, ...]:
    # Foundation cards may leave the list empty: they apply to every actor.
    words = _words(
        value, field="actor_types", name=name, empty_ok=kind is CardKind.FOUNDATION
    )
    if not set(words) <= _ACTOR_TYPES:
        raise ContentError("bad_field_actor_types", name)
    return words


def _positive(value: int, *, field: str, name: str) -> int:
    if value < 1:
        raise ContentError(f"bad_field_{field}", name)
    return value


def _sections(body: str) -> tuple[str, list[tuple[str, str]]]:
    lead: list[str] = []
    sections: list[tuple[str, list[str]]] = []
    for line in body.splitlines():
        if line.startswith("## "):
            sections.append((line[3:].strip(), []))
        elif sections:
            sections[-1][1].append(line)
        else:
            lead.append(line)
    done = [(head, "\n".join(lines).strip()) for head, lines in sections]
    return "\n".join(lead).strip(), done


def _check_sections(
    sections: list[tuple[str, str]],
    wanted: tuple[str, ...],
    *,
    name: str,
) -> None:
    headings = [head for head, _ in sections]
    if not sections:
        raise ContentError("no_sections", name)
    if len(set(headings)) != len(headings):
        raise ContentError("duplicate_section", name)
    if any(not text for _, text in sections):
        raise ContentError("empty_section", name)
    if not wanted:
        return
    missing = [head for head in wanted if head not in headings]
    if missing:
        raise ContentError("missing_section", name)
    if tuple(headings) != wanted:
        raise ContentError("unexpected_section", name)

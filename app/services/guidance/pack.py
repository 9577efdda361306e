"""A whole content pack, loaded and checked: pack.toml, languages, cards, picker.

``pack.toml`` names the languages, base language first::

    format = 2
    id = "parley-guidance"
    version = 3
    published = 2026-12-01
    languages = ["en", "fr", "ar"]

The base language has every card; each other language may translate some of them
and falls back to the base for the rest (see :meth:`Pack.card_in`).
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from app.errors import ContentError
from app.services.guidance.cardfile import parse_card, parse_translation
from app.services.guidance.checks import cross_check
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
from app.services.guidance.packfiles import LANGUAGE_CODE, check_name, read_dir
from app.services.guidance.picker import QUESTIONS, PickerRules, parse_rules
from models.enums import ActorType, Approach, Method

__all__ = [
    "LANGUAGE_FILE",
    "PACK_FORMAT",
    "Pack",
    "check_files",
    "load_pack",
    "load_pack_files",
]

PACK_FORMAT = 2
PACK_FILE = "pack.toml"
PICKER_FILE = "picker.toml"
LANGUAGE_FILE = "language.toml"
DIRECTIONS = ("ltr", "rtl")
_KIND_ORDER = (CardKind.FOUNDATION, CardKind.METHOD, CardKind.APPROACH, CardKind.ACTOR)
# Methods, approaches and actors follow their enum's order; foundations their `order`.
_ENUM_ORDER: dict[str, int] = {
    **{f"method-{m.value}": i for i, m in enumerate(Method)},
    **{f"approach-{a.value}": i for i, a in enumerate(Approach)},
    **{f"actor-{t.value}": i for i, t in enumerate(ActorType)},
}
_FIXED_HEADINGS = frozenset((*PLAYBOOK_SECTIONS, *ACTOR_SECTIONS))


@dataclass(frozen=True, slots=True)
class Pack:
    """A checked content pack.

    ``cards`` are the base-language cards, in library order. ``languages`` holds
    every language, the base first; ``translations`` maps a language code to its
    translated cards by id (the base language has none).
    """

    info: PackInfo
    cards: tuple[Card, ...]
    rules: PickerRules
    languages: tuple[Language, ...] = ()
    translations: Mapping[str, Mapping[str, Card]] = field(default_factory=dict)

    def card(self, card_id: str) -> Card | None:
        """Return the base-language card with ``card_id``, or ``None``."""
        for card in self.cards:
            if card.id == card_id:
                return card
        return None

    def language(self, code: str) -> Language | None:
        """Return the language with ``code``, or ``None`` if the pack lacks it."""
        for language in self.languages:
            if language.code == code:
                return language
        return None

    def card_in(self, card_id: str, language: str) -> LocalizedCard | None:
        """Return the card in ``language``, or in the base language as a fallback.

        A translation is used only when it follows the current version of the base
        card; an older one falls back with ``reason="outdated"``, a missing one with
        ``reason="missing"``. ``None`` means the pack has no such card at all.
        """
        base = self.card(card_id)
        if base is None:
            return None
        if language == self.info.language:
            return LocalizedCard(card=base, language=language)
        translated = self.translations.get(language, {}).get(card_id)
        if translated is None:
            return LocalizedCard(base, language, fallback=True, reason="missing")
        if translated.version < base.version:
            return LocalizedCard(base, language, fallback=True, reason="outdated")
        return LocalizedCard(card=translated, language=language)


def load_pack(root: Path) -> Pack:
    """Read and check the pack in directory ``root``.

    Raises:
        ContentError: the first problem found (see :func:`check_files`).
    """
    return load_pack_files(read_dir(root))


def load_pack_files(files: Mapping[str, bytes]) -> Pack:
    """Check pack files held in memory and build the pack.

    Raises:
        ContentError: the first problem found; ``reason`` and ``where`` name it.
    """
    pack, problems = check_files(files)
    if pack is None:
        first = problems[0]
        raise ContentError(first.reason, first.where)
    return pack


def check_files(files: Mapping[str, bytes]) -> tuple[Pack | None, list[Problem]]:
    """Check every part of a pack and report all problems found.

    Returns:
        ``(pack, [])`` when the pack is sound, else ``(None, problems)``.
    """
    try:
        texts = _decode(files)
        meta = _meta(texts)
        codes = _languages(meta)
        languages = tuple(
            _language(texts, code, base=code == codes[0]) for code in codes
        )
        rules = parse_rules(_toml(texts, PICKER_FILE))
    except ContentError as err:
        return None, [Problem(err.reason, err.where)]
    problems = [
        Problem("unknown_language", name)
        for name in sorted(texts)
        if "/" in name and name.split("/", 1)[0] not in codes
    ]
    base = languages[0]
    cards, found = _cards(texts, base.code)
    problems += found
    problems += cross_check(cards, rules)
    by_id = {card.id: card for card in cards}
    translations: dict[str, dict[str, Card]] = {}
    for language in languages[1:]:
        translated, found = _translations(texts, language, by_id)
        translations[language.code] = translated
        problems += found
    if problems:
        return None, problems
    info = PackInfo(
        id=meta["id"],
        language=base.code,
        version=meta["version"],
        published=meta["published"].isoformat(),
        kind_labels=dict(base.kind_labels),
        languages=codes,
    )
    return (
        Pack(
            info=info,
            cards=tuple(sorted(cards, key=_library_key)),
            rules=rules,
            languages=languages,
            translations=translations,
        ),
        [],
    )


def _decode(files: Mapping[str, bytes]) -> dict[str, str]:
    texts: dict[str, str] = {}
    for name, data in files.items():
        check_name(name)
        try:
            texts[name] = data.decode("utf-8")
        except UnicodeDecodeError:
            raise ContentError("bad_encoding", name) from None
    for name in (PACK_FILE, PICKER_FILE):
        if name not in texts:
            raise ContentError("missing_file", name)
    return texts


def _toml(texts: Mapping[str, str], name: str) -> dict[str, Any]:
    try:
        return tomllib.loads(texts[name])
    except tomllib.TOMLDecodeError:
        raise ContentError("bad_toml", name) from None


def _meta(texts: Mapping[str, str]) -> dict[str, Any]:
    data = _toml(texts, PACK_FILE)
    if data.get("format") != PACK_FORMAT:
        raise ContentError("unsupported_format", PACK_FILE)
    pack_id, version, published = (data.get(k) for k in ("id", "version", "published"))
    if not isinstance(pack_id, str) or not pack_id:
        raise ContentError("bad_pack_identity", PACK_FILE)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ContentError("bad_pack_version", PACK_FILE)
    if not isinstance(published, date):
        raise ContentError("bad_pack_published", PACK_FILE)
    return data


def _languages(meta: Mapping[str, Any]) -> tuple[str, ...]:
    codes = meta.get("languages")
    if not isinstance(codes, list) or not codes:
        raise ContentError("bad_pack_languages", PACK_FILE)
    if not all(isinstance(c, str) and LANGUAGE_CODE.fullmatch(c) for c in codes):
        raise ContentError("bad_pack_languages", PACK_FILE)
    if len(set(codes)) != len(codes):
        raise ContentError("bad_pack_languages", PACK_FILE)
    return tuple(codes)


def _language(texts: Mapping[str, str], code: str, *, base: bool) -> Language:
    name = f"{code}/{LANGUAGE_FILE}"
    if name not in texts:
        raise ContentError("missing_file", name)
    data = _toml(texts, name)
    own_name, direction = data.get("name"), data.get("direction")
    known = {"name", "direction", "kinds", "sections", "questions", "options"}
    if not set(data) <= known | {"reasons"}:
        raise ContentError("bad_language_file", name)
    if not isinstance(own_name, str) or not own_name.strip():
        raise ContentError("bad_language_file", name)
    if direction not in DIRECTIONS:
        raise ContentError("bad_language_file", name)
    headings = _table(data.get("sections", {}), name=name)
    if not set(headings) <= _FIXED_HEADINGS or len(set(headings.values())) != len(
        headings
    ):
        raise ContentError("bad_language_sections", name)
    prompts = _table(data.get("questions", {}), name=name)
    raw_options = data.get("options", {})
    if not isinstance(raw_options, dict):
        raise ContentError("bad_language_file", name)
    options = {q: _table(v, name=name) for q, v in raw_options.items()}
    reasons = _table(data.get("reasons", {}), name=name)
    if base and (headings or prompts or options or reasons):
        # The base language's headings are the code's; its picker texts are in
        # picker.toml itself.
        raise ContentError("bad_language_file", name)
    if not set(prompts) <= set(QUESTIONS) or not set(options) <= set(QUESTIONS):
        raise ContentError("bad_language_file", name)
    return Language(
        code=code,
        name=own_name.strip(),
        direction=direction,
        kind_labels=_kind_labels(data.get("kinds"), name=name),
        headings=headings,
        prompts=prompts,
        options=options,
        reasons=reasons,
    )


def _text(value: Any) -> bool:
    return isinstance(value, str) and bool(value.strip())


def _table(raw: Any, *, name: str) -> dict[str, str]:
    if not isinstance(raw, dict) or not all(_text(v) for v in raw.values()):
        raise ContentError("bad_language_file", name)
    return {str(k): v.strip() for k, v in raw.items()}


def _kind_labels(raw: Any, *, name: str) -> dict[CardKind, str]:
    if not isinstance(raw, dict) or set(raw) != {k.value for k in CardKind}:
        raise ContentError("bad_kind_labels", name)
    if not all(_text(v) for v in raw.values()):
        raise ContentError("bad_kind_labels", name)
    return {CardKind(k): v.strip() for k, v in raw.items()}


def _card_files(texts: Mapping[str, str], code: str) -> list[str]:
    prefix = f"{code}/cards/"
    return [name for name in sorted(texts) if name.startswith(prefix)]


def _cards(texts: Mapping[str, str], code: str) -> tuple[list[Card], list[Problem]]:
    cards: list[Card] = []
    problems: list[Problem] = []
    for name in _card_files(texts, code):
        try:
            cards.append(parse_card(texts[name], name=name, language=code))
        except ContentError as err:
            problems.append(Problem(err.reason, err.where))
    if not cards and not problems:
        problems.append(Problem("no_cards", f"{code}/cards/"))
    return cards, problems


def _translations(
    texts: Mapping[str, str], language: Language, base: Mapping[str, Card]
) -> tuple[dict[str, Card], list[Problem]]:
    cards: dict[str, Card] = {}
    problems: list[Problem] = []
    for name in _card_files(texts, language.code):
        card_id = name.rsplit("/", 1)[-1].removesuffix(".md")
        original = base.get(card_id)
        if original is None:
            problems.append(Problem("translation_without_card", name))
            continue
        try:
            cards[card_id] = parse_translation(
                texts[name], name=name, base=original, language=language
            )
        except ContentError as err:
            problems.append(Problem(err.reason, err.where))
    return cards, problems


def _library_key(card: Card) -> tuple[int, int, int, str]:
    return (
        _KIND_ORDER.index(card.kind),
        _ENUM_ORDER.get(card.id, 0),
        card.order,
        card.title.casefold(),
    )

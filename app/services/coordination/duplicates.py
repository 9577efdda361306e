"""Duplicate actors: names and aliases that match once spelling is set aside.

Two keys per name. The *spelling* key ignores case, accents, Arabic diacritics
and tatweel, the forms of alef, yeh, teh marbuta and hamza seats, punctuation
and the article (al-, el-, ال). The *sound* key goes further for names written
from Arabic in Latin letters (or the other way): vowels and doubled letters
dropped, kh/q/k, gh/g, th/t, dh/d, sh/ch/s and j/dj/g made one, and Arabic
letters written as the Latin consonant they sound like; "Jaish al-Mahdi",
"Jaysh el Mahdy" and "جيش المهدي" then give one key. A spelling match is a
strong suggestion; a sound match alone is a weaker one, and only for keys of
two consonants or more. Digits count ("Brigade 7" is not "Brigade 9").
"""

from __future__ import annotations

import re
import unicodedata
import uuid
from collections import defaultdict
from dataclasses import dataclass

from models import Actor

__all__ = ["Suggestion", "sound_key", "spelling_key", "suggest"]

_MARKS = re.compile(
    "[\u0300-\u036f\u0610-\u061a\u0640\u064b-\u065f\u0670\u06d6-\u06ed]"
)
_ARABIC_FORMS = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ی": "ي",
        "ئ": "ي",
        "ؤ": "و",
        "ة": "ه",
        "ک": "ك",
        "ء": "",
    }
)
_ARTICLES = frozenset({"al", "el", "ul", "il", "the", "le", "la", "les"})
_SUN = re.compile(r"^(?:a[sdtrnzl]|a[st]h|e[sdtrnzl])-")
# Arabic letters as the Latin consonant class they are written with.
_AR_SOUND = str.maketrans(
    {
        "ب": "b",
        "ت": "t",
        "ث": "t",
        "ج": "j",
        "ح": "h",
        "خ": "k",
        "د": "d",
        "ذ": "d",
        "ر": "r",
        "ز": "z",
        "س": "s",
        "ش": "s",
        "ص": "s",
        "ض": "d",
        "ط": "t",
        "ظ": "z",
        "ع": "",
        "غ": "g",
        "ف": "f",
        "ق": "k",
        "ك": "k",
        "ل": "l",
        "م": "m",
        "ن": "n",
        "ه": "h",
        "و": "",
        "ي": "",
        "ا": "",
    }
)
_LATIN_PAIRS = (
    ("kh", "k"),
    ("gh", "g"),
    ("th", "t"),
    ("dh", "d"),
    ("sh", "s"),
    ("ch", "s"),
    ("dj", "j"),
    ("ph", "f"),
    ("q", "k"),
    ("c", "k"),
    ("x", "ks"),
)


def _words(name: str) -> list[str]:
    text = unicodedata.normalize("NFKD", name.casefold())
    text = _MARKS.sub("", text).translate(_ARABIC_FORMS)
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    words = []
    for raw in re.split(r"[\s,.;:/()\[\]\"'`’‘_]+", text):
        word = _SUN.sub("", raw) if "-" in raw else raw
        for part in word.split("-"):
            if part.startswith("ال") and len(part) > 3:
                part = part[2:]
            if part and part not in _ARTICLES:
                words.append(part)
    return words


def spelling_key(name: str) -> str:
    """The name with case, accents, Arabic marks and letter forms set aside."""
    return " ".join(_words(name))


def _sound(word: str) -> str:
    if word.endswith("ه") and len(word) > 2:
        word = word[:-1]  # teh marbuta (folded to heh): written -a or -ah
    word = "".join(str(unicodedata.digit(ch, ch)) for ch in word)
    word = word.translate(_AR_SOUND)
    for pair, one in _LATIN_PAIRS:
        word = word.replace(pair, one)
    if word.endswith("h") and len(word) > 1 and word[-2] in "aeiouy":
        word = word[:-1]  # Hamah, Hama, حماة
    consonants = re.sub(r"[^bdfghjklmnprstvz0-9]", "", word)
    return re.sub(r"(.)\1+", r"\1", consonants)


def sound_key(name: str) -> str:
    """Consonants as they sound, for names moved between Arabic and Latin letters."""
    return " ".join(s for s in (_sound(w) for w in _words(name)) if s)


@dataclass(frozen=True, slots=True)
class Suggestion:
    """Two actors that may be one; ``names`` the two names that matched.

    ``strength`` is ``spelling`` (the same name once case, accents and letter
    forms are set aside) or ``sound`` (the same consonants).
    """

    first: uuid.UUID
    second: uuid.UUID
    names: tuple[str, str]
    strength: str


def _names(actor: Actor) -> list[str]:
    return [actor.name, *actor.aliases]


def suggest(actors: list[Actor]) -> list[Suggestion]:
    """Pairs of live, unmerged actors that share a key, strongest first."""
    live = [a for a in actors if a.merged_into is None]
    found: dict[tuple[uuid.UUID, uuid.UUID], Suggestion] = {}
    for strength, key_of in (("spelling", spelling_key), ("sound", sound_key)):
        owners: dict[str, list[tuple[Actor, str]]] = defaultdict(list)
        for actor in live:
            for name in _names(actor):
                key = key_of(name)
                if key and (strength == "spelling" or len(key.replace(" ", "")) >= 2):
                    owners[key].append((actor, name))
        for group in owners.values():
            for i, (a, a_name) in enumerate(group):
                for b, b_name in group[i + 1 :]:
                    if a.id == b.id:
                        continue
                    pair = (a, b) if str(a.id) < str(b.id) else (b, a)
                    names = (a_name, b_name) if pair[0] is a else (b_name, a_name)
                    ids = (pair[0].id, pair[1].id)
                    if ids not in found:
                        found[ids] = Suggestion(ids[0], ids[1], names, strength)
    order = {"spelling": 0, "sound": 1}
    return sorted(
        found.values(),
        key=lambda s: (order[s.strength], s.names[0].casefold(), s.names[1]),
    )

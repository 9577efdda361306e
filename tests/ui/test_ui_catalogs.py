"""The message catalogs (acceptance 1): every message in French and Arabic with
every plural form, the same keys everywhere, and no view text outside them."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.plurals import get_plural
from babel.messages.pofile import read_po

from app.ui import catalog_en
from app.ui.i18n.catalogs import po_path, read_catalog
from app.ui.i18n.entries import entries
from app.ui.i18n.extract import extract
from app.ui.i18n.language import translated
from app.ui.i18n.languages import ENGLISH, TRANSLATED

ROOT = Path(__file__).resolve().parents[2]
UI = ROOT / "app" / "ui"
ENGLISH_ENTRIES = list(entries(text=catalog_en.TEXT, enums=catalog_en.ENUMS))
KEYS = {e.key for e in ENGLISH_ENTRIES}
HOW_TO_FIX = (
    "\nTo fix: run `make catalogs` (adds new keys to app/ui/locale/*/LC_MESSAGES/"
    "messages.po), then write each msgstr (every msgstr[N] of a count's message) "
    "and remove any `#, fuzzy` line you have checked."
)


def _po_keys(code: str) -> set[str]:
    with po_path(code).open("rb") as handle:
        po = read_po(handle, locale=code, ignore_obsolete=True)
    return {str(m.context) for m in po if m.id}


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_message_has_a_usable_translation_with_every_plural_form(
    code: str,
) -> None:
    catalog = read_catalog(code, ENGLISH_ENTRIES, path=po_path(code))
    problems = [f"  {code}: {k}: {why}" for k, why in sorted(catalog.problems.items())]
    assert problems == [], (
        f"{len(problems)} message(s) of {po_path(code).relative_to(ROOT)} are not "
        "usable translations:\n" + "\n".join(problems) + HOW_TO_FIX
    )


def test_every_catalog_holds_the_same_keys_as_english() -> None:
    for code in TRANSLATED:
        keys = _po_keys(code)
        assert sorted(KEYS - keys) == [], f"{code} lacks these keys{HOW_TO_FIX}"
        assert sorted(keys - KEYS) == [], f"{code} has keys English does not"


@pytest.mark.parametrize("code", TRANSLATED)
def test_plural_forms_are_the_cldr_ones(code: str) -> None:
    with po_path(code).open("rb") as handle:
        po = read_po(handle, locale=code)
    assert po.num_plurals == get_plural(code).num_plurals
    assert po.plural_expr == get_plural(code).plural_expr


def test_arabic_counts_take_six_forms_and_french_three() -> None:
    ar = read_catalog("ar", ENGLISH_ENTRIES, path=po_path("ar"))
    fr = read_catalog("fr", ENGLISH_ENTRIES, path=po_path("fr"))
    assert (ar.plural_forms, fr.plural_forms) == (6, 3)
    forms = ar.strings["records.count"]
    shown = {n: forms[ar.plural(n)].format(count=n) for n in (0, 1, 2, 3, 11, 100)}
    assert shown == {
        0: "لا توجد سجلات",
        1: "سجل واحد",
        2: "سجلان",
        3: "3 سجلات",
        11: "11 سجلا",
        100: "100 سجل",
    }
    assert fr.strings["records.count"][fr.plural(0)] == "{count} fiche"


def _po(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "messages.po"
    path.write_text(
        'msgid ""\nmsgstr ""\n"Language: fr\\n"\n'
        '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n' + body,
        "utf-8",
    )
    return path


def test_a_fuzzy_entry_counts_as_untranslated_and_shows_english(
    tmp_path: Path,
) -> None:
    path = _po(
        tmp_path,
        '#, fuzzy\nmsgctxt "nav.home"\nmsgid "Home"\nmsgstr "Accueil"\n\n'
        'msgctxt "nav.guide"\nmsgid "Guide"\nmsgstr "Le guide"\n',
    )
    catalog = read_catalog("fr", ENGLISH_ENTRIES, path=path)
    assert "fuzzy" in catalog.problems["nav.home"]
    language = translated(ENGLISH, catalog)
    assert language.text["nav.home"] == "Home"
    assert language.text["nav.guide"] == "Le guide"


def test_stale_empty_and_badly_filled_entries_are_reported(tmp_path: Path) -> None:
    path = _po(
        tmp_path,
        'msgctxt "nav.home"\nmsgid "Homepage"\nmsgstr "Accueil"\n\n'
        'msgctxt "nav.guide"\nmsgid "Guide"\nmsgstr ""\n\n'
        'msgctxt "pick.step"\nmsgid "Question {n} of {total}"\n'
        'msgstr "Question {numero}"\n\n'
        'msgctxt "records.count"\nmsgid "1 record"\nmsgid_plural "{count} records"\n'
        'msgstr[0] "{count} fiche"\n\n'
        'msgctxt "no.such_key"\nmsgid "Gone"\nmsgstr "Parti"\n',
    )
    problems = read_catalog("fr", ENGLISH_ENTRIES, path=path).problems
    assert "out of date" in problems["nav.home"]
    assert "empty" in problems["nav.guide"]
    assert "numero" in problems["pick.step"]
    assert "msgstr[1] empty" in problems["records.count"]
    assert "not in the English catalog" in problems["no.such_key"]
    assert problems["nav.records"] == "no translation"


def test_a_missing_catalog_file_leaves_the_app_in_english(tmp_path: Path) -> None:
    catalog = read_catalog("fr", ENGLISH_ENTRIES, path=tmp_path / "none.po")
    assert catalog.strings == {} and len(catalog.problems) == len(KEYS)
    assert translated(ENGLISH, catalog).text["nav.home"] == "Home"


def test_the_babel_extractor_yields_every_message_with_its_key() -> None:
    with (UI / "catalog_en.py").open("rb") as handle:
        found = list(extract(handle, [], [], {}))
    assert {messages[0] for _, _, messages, _ in found} == KEYS
    plural = [m for _, name, m, _ in found if name == "npgettext"]
    assert ("records.count", "1 record", "{count} records") in plural
    assert all(line > 0 for line, _, _, _ in found)


# -- no text outside the catalog ---------------------------------------------------

# Keyword arguments of Flet controls and of our widgets that are shown to people.
_SHOWN = {
    "label",
    "hint_text",
    "helper_text",
    "error_text",
    "counter_text",
    "prefix_text",
    "suffix_text",
    "tooltip",
    "text",
    "title",
    "subtitle",
    "semantics_label",
    "value",
    "empty",
    "message",
    "line",
}
_WORD = re.compile(r"[^\W\d_]{2,}")
_KEYED = {"t", "tn", "has"}


def _called(node: ast.Call) -> tuple[str, bool]:
    func = node.func
    if isinstance(func, ast.Attribute):
        owner = func.value.id if isinstance(func.value, ast.Name) else ""
        return func.attr, owner == "ft"
    return (func.id if isinstance(func, ast.Name) else ""), False


def _words(value: ast.expr) -> list[str]:
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return [value.value] if _WORD.search(value.value) else []
    if isinstance(value, ast.JoinedStr):
        return [
            str(v.value)
            for v in value.values
            if isinstance(v, ast.Constant) and _WORD.search(str(v.value))
        ]
    return []


def _view_files() -> list[Path]:
    return [
        p
        for p in sorted(UI.rglob("*.py"))
        if not p.name.startswith("catalog_") and "i18n" not in p.parts
    ]


def _helpers() -> dict[str, list[str]]:
    # Our widgets (functions and classes of app/ui/components) by their
    # parameters, so a positional argument is checked only when it is shown.
    params: dict[str, list[str]] = {}
    for path in (UI / "components").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.FunctionDef) and not node.name.startswith("__"):
                params[node.name] = [a.arg for a in node.args.args]
            elif isinstance(node, ast.ClassDef):
                init = [
                    n
                    for n in node.body
                    if isinstance(n, ast.FunctionDef) and n.name == "__init__"
                ]
                args = init[0].args.args[1:] if init else []
                params[node.name] = [a.arg for a in args]
    return params


def _shown_arguments(node: ast.Call, params: list[str] | None) -> list[ast.expr]:
    shown = [k.value for k in node.keywords if k.arg in _SHOWN]
    if params is None:  # a Flet control: its first positional is its text
        return shown + node.args[:1]
    return shown + [a for a, p in zip(node.args, params, strict=False) if p in _SHOWN]


def test_views_show_no_text_outside_the_catalog() -> None:
    helpers = _helpers()
    offenders: list[str] = []
    for path in _view_files():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if not isinstance(node, ast.Call):
                continue
            name, is_flet = _called(node)
            skip = name in _KEYED or name == "ScrollKey"
            if skip or not (is_flet or name in helpers):
                continue
            offenders += [
                f"{path.relative_to(ROOT)}:{node.lineno} {name}(... {text!r} ...)"
                for value in _shown_arguments(node, None if is_flet else helpers[name])
                for text in _words(value)
                if text not in KEYS
            ]
    assert offenders == [], (
        "Text shown to people must come from the catalog: add a key to "
        "app/ui/catalog_en.py and call t(key):\n" + "\n".join(offenders)
    )


def test_every_key_a_view_looks_up_is_in_the_catalog() -> None:
    missing: list[str] = []
    for path in _view_files():
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if isinstance(node, ast.Call) and _called(node)[0] in _KEYED and node.args:
                first = node.args[0]
                if isinstance(first, ast.Constant) and isinstance(first.value, str):
                    key = first.value
                    if key not in ENGLISH.text and key not in ENGLISH.plurals:
                        missing.append(f"{path.relative_to(ROOT)}:{node.lineno} {key}")
    assert missing == [], "keys not in app/ui/catalog_en.py:\n" + "\n".join(missing)


def test_the_scan_catches_a_literal_label(tmp_path: Path) -> None:
    node = ast.parse('ft.TextField(label="Name")').body[0]
    assert isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
    assert _called(node.value) == ("TextField", True)
    assert _words(node.value.keywords[0].value) == ["Name"]


def test_views_write_dates_and_times_only_through_babel() -> None:
    # Dates, times and numbers are shown through app.ui.formats (Babel, CLDR).
    offenders = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in _view_files()
        if path.name != "formats.py"
        for n, line in enumerate(path.read_text("utf-8").splitlines(), 1)
        if "strftime(" in line or "%Y" in line or "%H:%M" in line
    ]
    assert offenders == []

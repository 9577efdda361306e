"""Export writers: CSV, JSON and a printable HTML report, from export rows.

The rows are already redacted (:mod:`app.services.export_rows`); writers only
lay them out. CSV cells that a spreadsheet would run as a formula are quoted with
a leading apostrophe (the OWASP advice for CSV injection).
"""

from __future__ import annotations

import csv
import html
import io
import json
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from app.services.export_rows import COLUMNS, ExportRow

__all__ = ["ExportInfo", "Wording", "to_csv", "to_html", "to_json"]

_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_LIST_FIELDS = frozenset({"methods", "approaches", "issues", "risks"})


@dataclass(frozen=True, slots=True)
class ExportInfo:
    """What an export says about itself: when, which profile, how many rows."""

    made_at: str
    profile: str
    redacted: bool
    start: str = ""
    end: str = ""


def _default_label(group: str, code: str) -> str:
    return code.replace("_", " ").capitalize() if code else ""


@dataclass(frozen=True, slots=True)
class Wording:
    """The report's words in the reader's language (the UI passes its catalog).

    ``text(key)`` gives headings (keys: ``title``, ``made``, ``profile``,
    ``redacted``, ``full``, ``period``, ``contacts``, ``checkpoints``,
    ``by_team``, ``by_constraint``, ``none`` and every column name);
    ``label(group, code)`` an enum value (group: the column name).
    """

    text: Callable[[str], str] = lambda key: key.replace("_", " ").capitalize()
    label: Callable[[str, str], str] = _default_label


def _cell(value: str) -> str:
    return "'" + value if value.startswith(_FORMULA) else value


def to_csv(rows: Sequence[ExportRow]) -> bytes:
    """One header line (the column codes), then one line per row; UTF-8 with BOM,
    which spreadsheets need to read accents and Arabic."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        writer.writerow([_cell(row[c]) for c in COLUMNS])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _json_value(column: str, value: str) -> object:
    if column in _LIST_FIELDS:
        return [v for v in value.split(", ") if v]
    if column == "delay_minutes" and value:
        return int(value)
    return value


def to_json(rows: Sequence[ExportRow], info: ExportInfo) -> bytes:
    """``{"export": {...}, "records": [...]}``; empty fields left out."""
    records = [{c: _json_value(c, row[c]) for c in COLUMNS if row[c]} for row in rows]
    body = {
        "export": {
            "made_at": info.made_at,
            "profile": info.profile,
            "redacted": info.redacted,
            "start": info.start or None,
            "end": info.end or None,
        },
        "records": records,
    }
    return json.dumps(body, ensure_ascii=False, indent=1).encode("utf-8")


# -- the printable report -------------------------------------------------------------

_CONTACT_COLUMNS = (
    "date",
    "team",
    "actor",
    "place",
    "area",
    "level",
    "methods",
    "issues",
    "interlocutor_role",
    "asks",
    "commitments",
    "outcome",
    "status",
)
_CHECKPOINT_COLUMNS = (
    "date",
    "team",
    "actor",
    "place",
    "area",
    "crossing",
    "delay_minutes",
    "access_constraint",
    "demands",
    "status",
)
_ENUM_COLUMNS = frozenset(
    {
        "actor_type",
        "contact_kind",
        "level",
        "sensitivity",
        "status",
        "crossing",
        "access_constraint",
        *_LIST_FIELDS,
    }
)
_STYLE = """
body{font-family:"Noto Sans",Arial,sans-serif;font-size:11pt;margin:2em;color:#111}
h1{font-size:18pt;margin:0 0 .2em}h2{font-size:14pt;margin:1.4em 0 .4em}
p.meta{margin:.1em 0;color:#333}table{border-collapse:collapse;width:100%}
th,td{border:1px solid #999;padding:3px 5px;text-align:start;vertical-align:top}
th{background:#eee}td.n{text-align:end}section{page-break-inside:auto}
tr{page-break-inside:avoid}@page{size:A4 landscape;margin:12mm}
@media print{body{margin:0}}
"""


def _shown(column: str, value: str, words: Wording) -> str:
    if column in _LIST_FIELDS:
        return ", ".join(words.label(column, v) for v in value.split(", ") if v)
    if column in _ENUM_COLUMNS:
        return words.label(column, value)
    return value


def _table(
    rows: Sequence[ExportRow], columns: Sequence[str], words: Wording
) -> list[str]:
    # A redacted export has some columns empty everywhere: leave them out.
    kept = [c for c in columns if any(r[c] for r in rows)]
    head = "".join(f"<th>{html.escape(words.text(c))}</th>" for c in kept)
    out = [f"<table><thead><tr>{head}</tr></thead><tbody>"]
    for row in rows:
        cells = "".join(
            f"<td>{html.escape(_shown(c, row[c], words))}</td>" for c in kept
        )
        out.append(f"<tr>{cells}</tr>")
    out.append("</tbody></table>")
    return out


def _counts(title: str, counts: Counter[str], words: Wording) -> list[str]:
    out = [f"<h2>{html.escape(title)}</h2><table><tbody>"]
    for name, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        out.append(f'<tr><td>{html.escape(name)}</td><td class="n">{n}</td></tr>')
    out.append("</tbody></table>")
    return out if counts else []


def _section(
    title: str, rows: Sequence[ExportRow], columns: Sequence[str], words: Wording
) -> list[str]:
    out = [f"<section><h2>{html.escape(title)} ({len(rows)})</h2>"]
    body = _table(rows, columns, words) if rows else [f"<p>{words.text('none')}</p>"]
    return [*out, *body, "</section>"]


def _meta(label: str, value: str) -> str:
    return f'<p class="meta">{html.escape(label)}: {html.escape(value)}</p>'


def to_html(
    rows: Sequence[ExportRow],
    info: ExportInfo,
    *,
    contact_code: str,
    words: Wording | None = None,
    rtl: bool = False,
) -> bytes:
    """A self-contained, print-ready report: no script, no outside request.

    ``contact_code`` is the ``record`` value of contact rows; the others are
    checkpoint logs.
    """
    w = words or Wording()
    contacts = [r for r in rows if r["record"] == contact_code]
    logs = [r for r in rows if r["record"] != contact_code]
    profile = w.text("redacted") if info.redacted else w.text("full")
    period = " – ".join(x for x in (info.start, info.end) if x)
    parts = [
        "<!doctype html>",
        f'<html dir="{"rtl" if rtl else "ltr"}"><head><meta charset="utf-8">',
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">",
        f"<title>{html.escape(w.text('title'))}</title><style>{_STYLE}</style>",
        f"</head><body><h1>{html.escape(w.text('title'))}</h1>",
        _meta(w.text("made"), info.made_at),
        _meta(w.text("profile"), profile),
    ]
    if period:
        parts.append(_meta(w.text("period"), period))
    teams = Counter(r["team"] for r in contacts if r["team"])
    parts += _counts(w.text("by_team"), teams, w)
    constraints = Counter(
        w.label("access_constraint", r["access_constraint"])
        for r in logs
        if r["access_constraint"]
    )
    parts += _counts(w.text("by_constraint"), constraints, w)
    parts += _section(w.text("contacts"), contacts, _CONTACT_COLUMNS, w)
    parts += _section(w.text("checkpoints"), logs, _CHECKPOINT_COLUMNS, w)
    parts.append("</body></html>")
    return "\n".join(parts).encode("utf-8")

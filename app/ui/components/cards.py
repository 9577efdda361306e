"""Guidance cards in lists: a card row, a search hit with its matched words marked."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import flet as ft

from app.services.guidance import Card, Hit
from app.ui.messages import t
from app.ui.theme import TEXT, TEXT_SMALL

__all__ = ["card_tile", "empty_note", "hit_tile", "text_tile"]

MARK_BG = "#ffe08a"  # matched words: bold on a yellow ground, legible in sunlight


def card_tile(card: Card, on_click: Callable[[Any], Any]) -> ft.Control:
    """One card in a list: its title and one-line summary, the whole row a target."""
    return text_tile(card.title, card.summary, on_click)


def text_tile(title: str, line: str, on_click: Callable[[Any], Any]) -> ft.Control:
    """A row that opens a card: a title and one line under it."""
    return _tile(
        [
            ft.Text(title, size=TEXT, weight=ft.FontWeight.W_600),
            ft.Text(line, size=TEXT_SMALL, color="#333333"),
        ],
        on_click,
    )


def hit_tile(hit: Hit, kind: str, on_click: Callable[[Any], Any]) -> ft.Control:
    """A search result: title and snippet with the matched words emphasised."""
    return _tile(
        [
            ft.Text(
                spans=_marked(hit.title, hit.title_marks),
                size=TEXT,
                weight=ft.FontWeight.W_600,
            ),
            ft.Text(kind, size=13, color="#3a3a3a"),
            ft.Text(spans=_marked(hit.snippet, hit.marks), size=TEXT_SMALL),
        ],
        on_click,
    )


def _tile(lines: list[ft.Control], on_click: Callable[[Any], Any]) -> ft.Control:
    return ft.Container(
        content=ft.Row(
            [
                ft.Column(lines, spacing=2, expand=True),
                ft.Icon(ft.Icons.CHEVRON_RIGHT, size=24, color="#555555"),
            ]
        ),
        on_click=on_click,
        padding=ft.Padding.symmetric(vertical=10, horizontal=4),
        border=ft.Border.only(bottom=ft.BorderSide(1, "#d0d0d0")),
        ink=True,
    )


def _marked(text: str, marks: Sequence[tuple[int, int]]) -> list[ft.TextSpan]:
    spans: list[ft.TextSpan] = []
    at = 0
    strong = ft.TextStyle(weight=ft.FontWeight.BOLD, bgcolor=MARK_BG)
    for start, end in sorted(marks):
        if start < at:
            continue
        if start > at:
            spans.append(ft.TextSpan(text[at:start]))
        spans.append(ft.TextSpan(text[start:end], style=strong))
        at = end
    if at < len(text):
        spans.append(ft.TextSpan(text[at:]))
    return spans


def empty_note(key: str) -> ft.Control:
    """One line saying a list is empty."""
    return ft.Text(t(key), size=TEXT_SMALL)

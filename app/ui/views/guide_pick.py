"""The situation picker: five questions, a tap each, then ranked cards with reasons."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import flet as ft

from app.services.guidance import Question, Ranked, Situation
from app.ui.components.cards import text_tile
from app.ui.components.widgets import heading, marker, note, secondary, section_title
from app.ui.host import Host
from app.ui.messages import t
from app.ui.theme import TEXT, TEXT_SMALL
from app.ui.views.guide_nav import GuideScreen, card_route

__all__ = ["PickerScreen"]

SELECTED_BG = "#dfe9ee"
FOR, AGAINST = "#1d5c2e", "#8c1d18"


class PickerScreen(GuideScreen):
    """Ask one question at a time; once all are answered, show the ranking.

    The answers stay in the session's UI state, so coming back from a card shows
    the same results.
    """

    def __init__(self, shell: Host, params: dict[str, str]) -> None:
        super().__init__(shell, params)
        self.library = self.services.guidance.library
        self.questions: tuple[Question, ...] = self.library.questions()
        self.picked = shell.state.guide
        self.content = ft.Column(
            spacing=12, horizontal_alignment=ft.CrossAxisAlignment.STRETCH
        )
        self._fill()

    def title(self) -> str:
        """Picker title."""
        return t("pick.title")

    def body(self) -> list[ft.Control]:
        """The current question, or the results."""
        return [self.content]

    @property
    def answers(self) -> dict[str, str]:
        """Option id per question name."""
        return self.picked.answers

    def _fill(self) -> None:
        step = self.picked.step
        done = step >= len(self.questions)
        self.content.controls = self._results() if done else self._question(step)

    # -- questions -----------------------------------------------------------------

    def _question(self, step: int) -> list[ft.Control]:
        question = self.questions[step]
        controls: list[ft.Control] = []
        if step == 0 and not self.answers:
            controls.append(note(t("pick.intro")))
        controls.extend(self._answer_row(i) for i in range(step))
        controls.append(note(t("pick.step", n=step + 1, total=len(self.questions))))
        controls.append(heading(question.prompt))
        chosen = self.answers.get(question.name)
        for option in question.options:
            controls.append(
                _option(
                    option.label,
                    selected=option.id == chosen,
                    on_click=self._chooser(question.name, option.id),
                )
            )
        if step > 0:
            controls.append(
                secondary(
                    t("pick.previous"),
                    self.shell.on(lambda _: self._go_to(step - 1)),
                    icon=ft.Icons.ARROW_UPWARD,
                )
            )
        return controls

    def _answer_row(self, index: int) -> ft.Control:
        question = self.questions[index]
        answer = self.answers.get(question.name, "")
        label = next((o.label for o in question.options if o.id == answer), "")
        return ft.Container(
            content=ft.Row(
                [
                    ft.Column(
                        [
                            ft.Text(question.prompt, size=13, color="#3a3a3a"),
                            ft.Text(label, size=TEXT_SMALL, weight=ft.FontWeight.W_600),
                        ],
                        spacing=1,
                        expand=True,
                    ),
                    ft.Icon(ft.Icons.EDIT, size=20, color="#555555"),
                ]
            ),
            on_click=self.shell.on(lambda _: self._go_to(index)),
            padding=ft.Padding.symmetric(vertical=8, horizontal=4),
            border=ft.Border.only(bottom=ft.BorderSide(1, "#d0d0d0")),
            ink=True,
        )

    def _chooser(self, name: str, option_id: str) -> Callable[[Any], Any]:
        def choose(_: Any) -> None:
            self.answers[name] = option_id
            names = [q.name for q in self.questions]
            missing = [i for i, n in enumerate(names) if n not in self.answers]
            self._go_to(missing[0] if missing else len(names))

        return self.shell.on(choose)

    def _go_to(self, step: int) -> None:
        self.picked.step = step
        self._fill()
        column = getattr(self, "column", None)
        if column is not None:  # the next question starts at the top of the screen
            self.shell.run_task(column.scroll_to, offset=0)

    # -- results -------------------------------------------------------------------

    def _results(self) -> list[ft.Control]:
        names = [q.name for q in self.questions]
        result = self.library.pick(Situation(**{n: self.answers[n] for n in names}))
        controls: list[ft.Control] = []
        for key, ranked in (
            ("pick.methods", result.methods),
            ("pick.approaches", result.approaches),
        ):
            controls.append(section_title(t(key)))
            controls.extend(self._ranked(n, item) for n, item in enumerate(ranked, 1))
        if result.reading:
            controls.append(section_title(t("pick.read_first")))
            controls.extend(
                text_tile(s.title, s.why, self.opener(card_route(s.card_id)))
                for s in result.reading
            )
        # The answers come after the ranking: tap one to change it.
        controls.append(section_title(t("pick.situation")))
        controls.extend(self._answer_row(i) for i in range(len(self.questions)))
        controls.append(
            secondary(
                t("pick.again"), self.shell.on(self._restart), icon=ft.Icons.REPLAY
            )
        )
        return controls

    def _ranked(self, n: int, item: Ranked) -> ft.Control:
        top: list[ft.Control] = [
            ft.Text(
                t("pick.rank", n=n, title=item.title),
                size=18,
                weight=ft.FontWeight.W_700,
                expand=True,
            )
        ]
        if n == 1:
            top.append(marker(t("pick.best"), "planned"))
        lines: list[ft.Control] = [ft.Row(top)]
        lines.extend(_reason(r.text, for_it=r.points > 0) for r in item.reasons)
        return ft.Container(
            content=ft.Row(
                [
                    ft.Column(lines, spacing=4, expand=True),
                    ft.Icon(ft.Icons.CHEVRON_RIGHT, size=24, color="#555555"),
                ]
            ),
            on_click=self.opener(card_route(item.card_id)),
            padding=ft.Padding.symmetric(vertical=10, horizontal=4),
            border=ft.Border.only(bottom=ft.BorderSide(1, "#d0d0d0")),
            ink=True,
        )

    def _restart(self, _: Any) -> None:
        self.picked.answers = {}
        self._go_to(0)


def _option(
    label: str, *, selected: bool, on_click: Callable[[Any], Any]
) -> ft.Control:
    icon = ft.Icons.RADIO_BUTTON_UNCHECKED
    if selected:
        icon = ft.Icons.RADIO_BUTTON_CHECKED
    return ft.Container(
        content=ft.Row(
            [
                ft.Icon(icon, size=24, color="#0b4f6c"),
                ft.Text(label, size=TEXT, expand=True),
            ]
        ),
        on_click=on_click,
        bgcolor=SELECTED_BG if selected else None,
        border=ft.Border.all(1, "#8a8a8a"),
        border_radius=10,
        # A whole row to tap: one line of text makes it over 48 px tall.
        padding=ft.Padding.symmetric(vertical=14, horizontal=12),
        ink=True,
    )


def _reason(text: str, *, for_it: bool) -> ft.Control:
    word = t("pick.for") if for_it else t("pick.against")
    return ft.Row(
        [
            ft.Icon(
                ft.Icons.ADD_CIRCLE if for_it else ft.Icons.REMOVE_CIRCLE,
                size=18,
                color=FOR if for_it else AGAINST,
                semantics_label=word,
            ),
            ft.Text(text, size=TEXT_SMALL, expand=True),
        ],
        vertical_alignment=ft.CrossAxisAlignment.START,
        spacing=8,
    )

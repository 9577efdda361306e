"""Coordinator: one actor across every team (profile, timeline, what worked)."""

from __future__ import annotations

from typing import Any

import flet as ft

from app.services.coordination import ActorProfile
from app.ui.components.widgets import marker, note, section_title
from app.ui.messages import enum_label, formats, t, tn
from app.ui.screen import Screen
from app.ui.theme import TEXT, TEXT_SMALL
from app.ui.views.coord import coordinator_only, team_row
from app.ui.views.coord_brief import BriefPanel

__all__ = ["ProfileScreen"]

#: Timeline rows drawn; the records list holds the rest.
TIMELINE = 60
_STATE_TONE = {
    "kept": "planned",
    "broken": "conflict",
    "overdue": "conflict",
    "due": "draft",
    "partly_kept": "draft",
}


def _line(label: str, value: str) -> ft.Control | None:
    if not value:
        return None
    return ft.Column(
        [ft.Text(label, size=14, color="#3a3a3a"), ft.Text(value, size=TEXT)],
        spacing=0,
    )


class ProfileScreen(Screen):
    """Who the actor is, every record with it, methods and commitments."""

    def __init__(self, shell: Any, params: dict[str, str]) -> None:
        super().__init__(shell, params)
        self.profile: ActorProfile | None = None
        self.brief: BriefPanel | None = None
        if self.services.coordination.allowed:
            self.profile = self.services.coordination.profile(params["actor"])
            self.brief = BriefPanel(self, params["actor"])

    def title(self) -> str:
        """The actor's name."""
        return self.profile.actor.name if self.profile else t("coord.title")

    def body(self) -> list[ft.Control]:
        """Identity, levels, what was tried, commitments, checkpoints, timeline."""
        refused = coordinator_only(self)
        if refused is not None or self.profile is None:
            return refused or []
        p = self.profile
        facts = [
            _line(
                t("coord.profile.type"),
                enum_label("actor_type", p.actor.actor_type.value),
            ),
            _line(t("coord.profile.aliases"), ", ".join(p.aliases)),
            _line(t("coord.profile.affiliation"), p.parent_name),
            _line(t("coord.profile.area"), p.actor.area),
            _line(
                t("coord.profile.influence"),
                enum_label(
                    "influence", p.actor.influence.value if p.actor.influence else ""
                ),
            ),
            _line(
                t("coord.profile.stance"),
                enum_label("stance", p.actor.stance.value if p.actor.stance else ""),
            ),
            _line(t("coord.profile.teams"), ", ".join(p.teams)),
            _line(t("coord.profile.merged"), ", ".join(p.merged)),
        ]
        controls: list[ft.Control] = [
            ft.ResponsiveRow(
                [ft.Container(f, col={"xs": 12, "md": 6, "xl": 3}) for f in facts if f],
                run_spacing=8,
            )
        ]
        controls += self._levels(p) + self._tried(p) + self._commitments(p)
        controls += self._checkpoints(p)
        controls += self.brief.controls() if self.brief else []
        controls += self._timeline(p)
        return controls

    def _levels(self, p: ActorProfile) -> list[ft.Control]:
        if not p.levels:
            return []
        lines = [
            ft.Text(
                t(
                    "coord.profile.team_levels",
                    team=team,
                    levels=", ".join(enum_label("level", lv) for lv in levels),
                ),
                size=TEXT_SMALL + 1,
            )
            for team, levels in p.levels.items()
        ]
        return [section_title(t("coord.profile.levels")), *lines]

    def _tried(self, p: ActorProfile) -> list[ft.Control]:
        if not p.tried:
            return []
        rows = []
        for item in p.tried:
            name = enum_label(item.group, item.code)
            rows.append(
                ft.Text(
                    tn(
                        "coord.profile.tried_line",
                        item.contacts,
                        name=name,
                        commitments=item.commitments,
                        kept=item.kept,
                        broken=item.broken,
                    ),
                    size=TEXT_SMALL + 1,
                )
            )
        return [section_title(t("coord.profile.tried")), *rows]

    def _commitments(self, p: ActorProfile) -> list[ft.Control]:
        if not p.commitments:
            return []
        out: list[ft.Control] = [section_title(t("coord.profile.commitments"))]
        for c in p.commitments:
            due = t("coord.profile.due", due=formats().day(c.due)) if c.due else ""
            out.append(
                ft.Row(
                    [
                        marker(
                            t(f"coord.state.{c.state}"),
                            _STATE_TONE.get(c.state, "neutral"),
                        ),
                        ft.Text(
                            " · ".join(
                                x
                                for x in (c.text, c.team, formats().day(c.on), due)
                                if x
                            ),
                            size=TEXT_SMALL + 1,
                            expand=True,
                        ),
                    ],
                    vertical_alignment=ft.CrossAxisAlignment.START,
                )
            )
        return out

    def _checkpoints(self, p: ActorProfile) -> list[ft.Control]:
        c = p.checkpoints
        if not c.crossings:
            return []
        lines = [
            tn(
                "coord.profile.crossings",
                c.crossings,
                free=c.free,
                delayed=c.delayed,
                turned_back=c.turned_back,
                incidents=c.incidents,
            ),
        ]
        if c.median_delay is not None:
            lines.append(
                t(
                    "coord.profile.delay",
                    median=f"{c.median_delay:.0f}",
                    worst=c.max_delay or 0,
                )
            )
        if c.with_demands:
            lines.append(tn("coord.profile.demands", c.with_demands))
        if c.constraints:
            lines.append(
                ", ".join(
                    f"{enum_label('constraint', code)}: {n}"
                    for code, n in c.constraints
                )
            )
        return [
            section_title(t("coord.profile.checkpoints")),
            *(ft.Text(x, size=TEXT_SMALL + 1) for x in lines),
        ]

    def _timeline(self, p: ActorProfile) -> list[ft.Control]:
        shown = p.timeline[:TIMELINE]
        rows = self.services.coordination.rows([m.id for m in shown])
        out: list[ft.Control] = [
            section_title(tn("coord.profile.timeline", len(p.timeline)))
        ]
        actor = self.params["actor"]
        for row in rows:
            rid = str(row.id)

            def open_row(_: Any, rid: str = rid) -> None:
                self.shell.go("/coord/actor/record", id=rid, actor=actor)

            out.append(team_row(row, self.shell.on(open_row)))
        if len(p.timeline) > len(shown):
            out.append(note(tn("coord.profile.more", len(p.timeline) - len(shown))))
        return out

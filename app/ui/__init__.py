"""The Flet UI: the only app package that imports flet. Views call services only.

Layout: ``assembly`` builds the route table and each session's :class:`Shell`;
screens (``views/``) see the session as a :class:`~app.ui.host.Host`; shared
widgets live in ``components/``; text goes through ``messages`` (a catalog per
session) and dates and numbers through ``formats``.
"""

from __future__ import annotations

from app.ui.assembly import default_routes, make_main
from app.ui.shell import Shell

__all__ = ["Shell", "default_routes", "make_main"]

"""Link tests: a SQLite hub served over real HTTP (the sync suite's fixtures)."""

from __future__ import annotations

from tests.sync.conftest import hub as hub
from tests.sync.conftest import live as live

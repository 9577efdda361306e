"""Hybrid logical clock: a timestamp that orders events across devices whose clocks lie.

The encoded form is a fixed-width, lexically sortable string:
``wall_ms`` (12 hex) ``counter`` (4 hex) ``node`` (16 hex). Comparing two encoded
values as strings compares them as clocks.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["Hlc", "HybridClock", "MAX_DRIFT_MS"]

# A remote clock this far ahead of our physical time is not trusted to drag us along.
MAX_DRIFT_MS = 24 * 3600 * 1000
_NODE_LEN = 16
_ENCODED = re.compile(r"[0-9a-f]{32}")


@dataclass(frozen=True, order=True, slots=True)
class Hlc:
    """One hybrid logical clock reading."""

    wall_ms: int
    counter: int
    node: str

    def encode(self) -> str:
        """Return the sortable string form."""
        return f"{self.wall_ms:012x}{self.counter:04x}{self.node}"

    @classmethod
    def decode(cls, text: str) -> Hlc:
        """Parse the string form made by :meth:`encode`.

        Raises:
            ValueError: if the text is not a clock reading.
        """
        if not isinstance(text, str) or not _ENCODED.fullmatch(text):
            raise ValueError("not a clock reading")
        return cls(int(text[:12], 16), int(text[12:16], 16), text[16:])


def node_id(device_id: str) -> str:
    """Return the fixed-width node part for a device id."""
    clean = device_id.replace("-", "")
    return (clean + "0" * _NODE_LEN)[:_NODE_LEN]


class HybridClock:
    """Issues monotonic :class:`Hlc` readings for one node.

    Physical time comes from ``now_ms`` plus ``offset_ms`` (the hub's correction of a
    device clock that is wrong by hours or days).
    """

    def __init__(
        self, *, node: str, now_ms: Callable[[], int], last: Hlc | None = None
    ) -> None:
        self._node = node_id(node)
        self._now_ms = now_ms
        self._last = last or Hlc(0, 0, self._node)
        self.offset_ms = 0

    @property
    def last(self) -> Hlc:
        """The latest reading issued or observed."""
        return self._last

    def physical_ms(self) -> int:
        """Return the corrected physical time in milliseconds."""
        return self._now_ms() + self.offset_ms

    def now(self) -> Hlc:
        """Return a reading later than every earlier one from this clock."""
        wall = max(self.physical_ms(), self._last.wall_ms)
        counter = self._last.counter + 1 if wall == self._last.wall_ms else 0
        self._last = Hlc(wall, counter, self._node)
        return self._last

    def catch_up(self, earlier: Hlc) -> None:
        """Move past a reading this node issued elsewhere (trusted: no drift check).

        Used when two sessions share one device identity and vault.
        """
        if (earlier.wall_ms, earlier.counter) > (
            self._last.wall_ms,
            self._last.counter,
        ):
            self._last = Hlc(earlier.wall_ms, earlier.counter, self._node)

    def observe(self, remote: Hlc) -> None:
        """Move past a reading received from another node.

        A remote reading more than :data:`MAX_DRIFT_MS` ahead of our physical time is
        ignored for the wall part, so one bad clock cannot poison everyone.
        """
        physical = self.physical_ms()
        if remote.wall_ms > physical + MAX_DRIFT_MS:
            return
        wall = max(physical, self._last.wall_ms, remote.wall_ms)
        if wall == self._last.wall_ms == remote.wall_ms:
            counter = max(self._last.counter, remote.counter) + 1
        elif wall == self._last.wall_ms:
            counter = self._last.counter + 1
        elif wall == remote.wall_ms:
            counter = remote.counter + 1
        else:
            counter = 0
        self._last = Hlc(wall, counter, self._node)

"""Writers of one hub process, served in the order they arrived.

SQLite lets one writer in at a time and makes the others poll with growing
sleeps: a device pushing batch after batch takes the lock again before a
sleeping writer wakes, and another device's one-op push waited seconds behind
it. The gate queues this process's writers first, so each waits for the
writers ahead of it and no more. (Several processes on one SQLite file still
meet SQLite's polling between them; PostgreSQL needs no gate.)
"""

from __future__ import annotations

import threading
from collections import deque

__all__ = ["GateTimeout", "WriteGate"]


class GateTimeout(Exception):
    """The writers ahead did not finish in time."""


class WriteGate:
    """A first-come, first-served lock; re-entrant for the thread holding it."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._queue: deque[threading.Event] = deque()
        self._owner: int | None = None
        self._depth = 0

    def acquire(self, timeout: float) -> None:
        """Wait for every writer ahead, then hold the gate.

        Raises:
            GateTimeout: after ``timeout`` seconds in the queue.
        """
        me = threading.get_ident()
        with self._mutex:
            if self._owner == me:
                self._depth += 1
                return
            if self._owner is None and not self._queue:
                self._owner, self._depth = me, 1
                return
            turn = threading.Event()
            self._queue.append(turn)
        if not turn.wait(timeout):
            with self._mutex:
                if not turn.is_set():
                    self._queue.remove(turn)
                    raise GateTimeout()
        with self._mutex:
            self._owner, self._depth = me, 1

    def release(self) -> None:
        """Hand the gate to the next writer in line."""
        with self._mutex:
            self._depth -= 1
            if self._depth:
                return
            self._owner = None
            if self._queue:
                # The next writer owns it from here: nobody can slip in between.
                self._owner = -1
                self._queue.popleft().set()

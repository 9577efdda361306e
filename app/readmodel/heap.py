"""Keeping the cyclic garbage collector off a large build.

Building a coordinator's read model makes about a million objects that all live
until lock. While they are made, every full collection walks the whole heap
again (several pauses of a few hundred milliseconds each, holding the GIL, with
the home screen waiting behind them). So the automatic collector is paused while
a build runs, and what the build made is then frozen (:func:`gc.freeze`): later
collections skip it. Nothing is kept alive by this: records are freed by their
reference counts when the model drops them, and :func:`thaw` (on lock) hands
any frozen cycle back to the collector.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused", "thaw"]

_lock = threading.Lock()
_builds = 0
_was_enabled = False


@contextmanager
def collector_paused() -> Iterator[None]:
    """Pause automatic collection while the block runs, then freeze what it made.

    Builds may overlap (one per browser tab): the collector resumes when the last
    one ends, as it was before the first began.
    """
    global _builds, _was_enabled
    with _lock:
        if _builds == 0:
            _was_enabled = gc.isenabled()
            gc.disable()
        _builds += 1
    try:
        yield
    finally:
        with _lock:
            _builds -= 1
            if _builds == 0:
                gc.freeze()
                if _was_enabled:
                    gc.enable()


def thaw() -> None:
    """Give every frozen object back to the collector (a read model was dropped)."""
    gc.unfreeze()

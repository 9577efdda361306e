"""What the link has shown it carries, and the sizes that follow from it.

One :class:`LinkPace` lives as long as the sync service (it is not kept in the
vault): it learns the upstream rate from every exchange and the time a link
stays up from every cut, and from these picks

* the size of the next frozen batch: about :data:`BATCH_SECONDS` of the link, so
  a batch (whose records are acknowledged together) lands within seconds even
  on 2G, and is large on a good link (few requests);
* whether a batch goes whole inside ``POST /v1/sync`` (one round trip with the
  pulls) or streams through ``POST /v1/upload`` (resumable at any byte);
* the byte cap of each pulled page: about a third of the time the link stays
  up, so a cut loses at most one page.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["LinkPace"]

KIB = 1024
BATCH_SECONDS = 10.0
MIN_BATCH, MAX_BATCH = 16 * KIB, 256 * KIB
MIN_PAGE, MAX_PAGE = 4 * KIB, 256 * KIB
FIRST_BATCH = 64 * KIB
FIRST_WHOLE = 8 * KIB
FIRST_PAGE = 32 * KIB


def _clamp(value: float, low: int, high: int) -> int:
    return int(max(low, min(high, value)))


@dataclass
class LinkPace:
    """Estimates of the link: upstream bytes/s and seconds between cuts."""

    rate: float | None = None
    uptime: float | None = None

    def observe(self, nbytes: int, seconds: float) -> None:
        """An exchange moved ``nbytes`` in ``seconds`` (round trip included).

        The estimate is low on slow-to-answer links and rises as transfers
        grow, which is the safe direction for every size chosen from it.
        """
        if nbytes < 2 * KIB or seconds <= 0:
            return
        sample = nbytes / seconds
        self.rate = sample if self.rate is None else 0.5 * self.rate + 0.5 * sample

    def cut(self, up_for: float) -> None:
        """The link was cut after carrying bytes for ``up_for`` seconds."""
        if up_for <= 0:
            return
        self.uptime = up_for if self.uptime is None else 0.5 * (self.uptime + up_for)

    def batch_bytes(self) -> int:
        """The byte cap of the next frozen batch."""
        if self.rate is None:
            return FIRST_BATCH
        return _clamp(self.rate * BATCH_SECONDS, MIN_BATCH, MAX_BATCH)

    def whole_bytes(self) -> int:
        """The largest batch sent whole in ``POST /v1/sync``: about a second of
        the link, less where cuts come often."""
        if self.rate is None:
            return FIRST_WHOLE
        window = 1.0 if self.uptime is None else min(1.0, self.uptime / 4)
        return _clamp(self.rate * window, 2 * KIB, MAX_BATCH)

    def page_bytes(self) -> int:
        """The byte cap of the next pulled page."""
        if self.rate is None:
            return FIRST_PAGE
        window = 10.0 if self.uptime is None else self.uptime / 3
        return _clamp(self.rate * window, MIN_PAGE, MAX_PAGE)

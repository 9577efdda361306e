"""A TCP proxy that emulates a bad link in user space, and counts its bytes.

These machines have no ``tc netem``, so the link is emulated here, between app
and hub: every byte crosses a shared serialiser at the profile's rate (one per
direction, as on a radio link every connection of the phone shares), then a
one-way delay of half the connection's round trip. A new connection costs one
round trip before its first byte moves (the TCP handshake). Stalls stop the
link without closing anything; cuts close every open connection at once, and
whatever was still on the wire is lost (it was counted as sent: that is the
waste a cut causes). After a cut the link may stay down for a moment, refusing
new connections.

Without a profile the proxy only counts bytes, and :class:`CutPlan` can cut the
next connection after an exact number of bytes (``bench sync``, fault tests).
"""

from __future__ import annotations

import contextlib
import heapq
import random
import socket
import threading
import time
from dataclasses import dataclass, field, replace

__all__ = ["PROFILES", "CutPlan", "LinkProfile", "TcpProxy"]


@dataclass(frozen=True)
class LinkProfile:
    """How a link behaves. Rates in bits per second each way, times in seconds.

    ``cut_every`` is ``(low, high)`` for a uniform gap between cuts, or ``(mean,)``
    for exponential gaps (a Poisson process). ``stall_every``/``stall_for`` work
    the same way for stalls. ``down_for`` is how long the link refuses new
    connections after a cut.
    """

    name: str
    rate_bps: int
    rtt: tuple[float, float]
    cut_every: tuple[float, ...] | None = None
    down_for: tuple[float, float] = (0.0, 0.0)
    stall_every: tuple[float, ...] | None = None
    stall_for: tuple[float, float] = (0.0, 0.0)

    @property
    def rtt_mean(self) -> float:
        """The mean round trip."""
        return sum(self.rtt) / 2

    @property
    def bytes_per_s(self) -> float:
        """The rate in bytes per second."""
        return self.rate_bps / 8

    def scaled(self, factor: float) -> LinkProfile:
        """The same link with time running ``factor`` times faster (for tests)."""

        def each(values: tuple[float, ...] | None) -> tuple[float, ...] | None:
            return None if values is None else tuple(v / factor for v in values)

        return replace(
            self,
            name=f"{self.name}/x{factor:g}",
            rate_bps=int(self.rate_bps * factor),
            rtt=(self.rtt[0] / factor, self.rtt[1] / factor),
            cut_every=each(self.cut_every),
            down_for=(self.down_for[0] / factor, self.down_for[1] / factor),
            stall_every=each(self.stall_every),
            stall_for=(self.stall_for[0] / factor, self.stall_for[1] / factor),
        )


PROFILES: dict[str, LinkProfile] = {
    # 2G (GPRS/EDGE): 50 kbit/s each way, 600-1000 ms, a cut every 30 s on average
    # (exponential gaps), the radio back within a second.
    "2g": LinkProfile("2g", 50_000, (0.6, 1.0), cut_every=(30.0,), down_for=(0.2, 1.0)),
    # The same radio from a moving vehicle: a cut every 3 to 5 s.
    "2g-harsh": LinkProfile(
        "2g-harsh", 50_000, (0.6, 1.0), cut_every=(3.0, 5.0), down_for=(0.0, 0.3)
    ),
    # A GEO satellite terminal: 512 kbit/s, 600 ms.
    "geo": LinkProfile("geo", 512_000, (0.6, 0.6)),
    # A good link: 10 Mbit/s, 50 ms.
    "good": LinkProfile("good", 10_000_000, (0.05, 0.05)),
}


@dataclass
class CutPlan:
    """Cut the next connection after this many bytes in one direction (once)."""

    upstream_after: int | None = None  # client -> hub bytes: cut mid-request
    downstream_after: int | None = None  # hub -> client bytes: cut mid-response


@dataclass
class _Counters:
    up: int = 0
    down: int = 0
    connections: int = 0
    cuts: int = 0
    refused: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)


def _gap(rng: random.Random, spec: tuple[float, ...]) -> float:
    if len(spec) == 1:
        return rng.expovariate(1.0 / spec[0])
    return rng.uniform(spec[0], spec[1])


class _Line:
    """One direction of the shared link: a serialiser at the link's rate."""

    def __init__(self) -> None:
        self.busy_until = 0.0
        self.lock = threading.Lock()

    def schedule(self, size: int, rate: float, stall_until: float) -> float:
        """Reserve the line for ``size`` bytes; return when the last bit is out."""
        with self.lock:
            start = max(time.monotonic(), self.busy_until, stall_until)
            self.busy_until = start + size / rate
            return self.busy_until


class _Delay:
    """Delivers chunks to ``dst`` at their due times, in order."""

    def __init__(self, dst: socket.socket, on_done: threading.Event) -> None:
        self.dst = dst
        self.queue: list[tuple[float, int, bytes]] = []
        self.cond = threading.Condition()
        self.closed = False
        self.n = 0
        self.done = on_done
        threading.Thread(target=self._run, daemon=True).start()

    def put(self, due: float, data: bytes) -> None:
        with self.cond:
            self.n += 1
            heapq.heappush(self.queue, (due, self.n, data))
            self.cond.notify()

    def finish(self) -> None:
        """Deliver what is queued, then stop (the source closed cleanly)."""
        with self.cond:
            self.closed = True
            self.cond.notify()

    def _run(self) -> None:
        try:
            while True:
                with self.cond:
                    while not self.queue and not self.closed:
                        self.cond.wait()
                    if not self.queue:
                        return
                    due, _, data = self.queue[0]
                    wait = due - time.monotonic()
                    if wait > 0:
                        self.cond.wait(wait)
                        continue
                    heapq.heappop(self.queue)
                self.dst.sendall(data)
        except OSError:
            pass
        finally:
            self.done.set()


class _Conn:
    """One proxied connection: both sockets, and how it ends."""

    def __init__(self, pair: tuple[socket.socket, socket.socket]) -> None:
        self.pair = pair
        self.cut = False  # closed by a cut: queued bytes are lost
        self.planned = False  # a CutPlan fired on it
        self._ended = 0
        self._lock = threading.Lock()

    def finished(self) -> bool:
        """Count one direction as ended; True when both have."""
        with self._lock:
            self._ended += 1
            return self._ended >= 2


class TcpProxy:
    """Listens on 127.0.0.1 and forwards every connection to ``target``.

    ``profile`` (see :data:`PROFILES`) shapes the link; it may be changed at any
    time with :meth:`use`. ``seed`` makes cuts, stalls and round trips repeatable.
    ``also`` adds ports served in turn, one connection each (a load balancer in
    front of several hub processes).
    """

    def __init__(
        self,
        target_port: int,
        *,
        target_host: str = "127.0.0.1",
        profile: LinkProfile | None = None,
        seed: int = 1,
        also: tuple[int, ...] = (),
    ) -> None:
        self.target = (target_host, target_port)
        self._targets = [(target_host, p) for p in (target_port, *also)]
        self._turn = 0
        self.counters = _Counters()
        self.plan: CutPlan | None = None
        self.profile: LinkProfile | None = None
        self._rng = random.Random(seed)
        self._sock = socket.create_server(("127.0.0.1", 0))
        self.port = self._sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._open: set[_Conn] = set()
        self._open_lock = threading.Lock()
        self._closed = threading.Event()
        self._base = (0, 0)
        self._lines = (_Line(), _Line())  # up, down
        self._stall_until = 0.0
        self._down_until = 0.0
        self._generation = 0
        self._events = threading.Event()
        threading.Thread(target=self._accept, daemon=True).start()
        threading.Thread(target=self._weather, daemon=True).start()
        self.use(profile)

    # -- control ----------------------------------------------------------------------

    @property
    def bytes_up(self) -> int:
        """Bytes from clients towards the hub so far (headers included)."""
        return self.counters.up

    @property
    def bytes_down(self) -> int:
        """Bytes from the hub towards clients so far (headers included)."""
        return self.counters.down

    def use(self, profile: LinkProfile | None) -> None:
        """Shape the link with ``profile`` from now on (``None``: unshaped)."""
        self.profile = profile
        self._generation += 1
        self._events.set()

    def reset(self) -> None:
        """Zero the byte, connection and cut counters."""
        with self.counters.lock:
            self.counters.up = self.counters.down = 0
            self.counters.connections = self.counters.cuts = 0
            self.counters.refused = 0

    def cut_next(self, plan: CutPlan) -> None:
        """Arm a cut: after this many more bytes in one direction, drop the link."""
        with self.counters.lock:
            self._base = (self.counters.up, self.counters.down)
            self.plan = plan

    def cut(self, *, down_for: float = 0.0) -> None:
        """Cut the link now: close every connection; refuse new ones a while."""
        with self.counters.lock:
            self.counters.cuts += 1
        self._down_until = time.monotonic() + down_for
        self.drop_connections()

    def drop_connections(self) -> None:
        """Close every open connection (a link that goes away)."""
        with self._open_lock:
            conns = list(self._open)
            self._open.clear()
        for conn in conns:
            conn.cut = True
            for sock in conn.pair:
                _close(sock)

    def close(self) -> None:
        """Stop listening and drop every connection."""
        self._closed.set()
        self._events.set()
        _close(self._sock)
        self.drop_connections()

    # -- weather: cuts and stalls ---------------------------------------------------

    def _weather(self) -> None:
        """Cut and stall the link on the profile's schedule."""
        while not self._closed.is_set():
            generation, profile = self._generation, self.profile
            self._events.clear()
            if profile is None or (not profile.cut_every and not profile.stall_every):
                self._events.wait()
                continue
            now = time.monotonic()
            next_cut = (
                now + _gap(self._rng, profile.cut_every) if profile.cut_every else None
            )
            next_stall = (
                now + _gap(self._rng, profile.stall_every)
                if profile.stall_every
                else None
            )
            while generation == self._generation and not self._closed.is_set():
                due = min(t for t in (next_cut, next_stall) if t is not None)
                if self._events.wait(max(0.0, due - time.monotonic())):
                    break
                now = time.monotonic()
                if next_cut is not None and now >= next_cut:
                    self.cut(down_for=self._rng.uniform(*profile.down_for))
                    assert profile.cut_every is not None
                    next_cut = now + _gap(self._rng, profile.cut_every)
                if next_stall is not None and now >= next_stall:
                    self._stall_until = now + self._rng.uniform(*profile.stall_for)
                    assert profile.stall_every is not None
                    next_stall = now + _gap(self._rng, profile.stall_every)

    # -- connections ------------------------------------------------------------------

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._sock.accept()
            except OSError:
                return
            if time.monotonic() < self._down_until:
                with self.counters.lock:
                    self.counters.refused += 1
                _close(client)
                continue
            threading.Thread(target=self._connect, args=(client,), daemon=True).start()

    def _connect(self, client: socket.socket) -> None:
        profile = self.profile
        rtt = self._rng.uniform(*profile.rtt) if profile else 0.0
        upstream = None
        for _ in self._targets:  # a dead hub process: the next one takes it
            self._turn += 1
            target = self._targets[self._turn % len(self._targets)]
            try:
                upstream = socket.create_connection(target, timeout=10)
                break
            except OSError:
                continue
        if upstream is None:
            _close(client)
            return
        upstream.settimeout(None)
        with self.counters.lock:
            self.counters.connections += 1
        conn = _Conn((client, upstream))
        with self._open_lock:
            self._open.add(conn)
        ready = time.monotonic() + rtt  # the handshake's round trip
        for src, dst, up in ((client, upstream, True), (upstream, client, False)):
            threading.Thread(
                target=self._pump, args=(src, dst, up, conn, rtt, ready), daemon=True
            ).start()

    def _allowance(self, up: bool, size: int) -> int | None:
        """How much of ``size`` bytes may pass before an armed cut (None: all)."""
        with self.counters.lock:
            plan = self.plan
            after = (
                None
                if plan is None
                else plan.upstream_after
                if up
                else plan.downstream_after
            )
            if after is None:
                return None
            done = (
                self.counters.up - self._base[0]
                if up
                else self.counters.down - self._base[1]
            )
            left = after - done
            if left > size:
                return None
            self.plan = None
            self.counters.cuts += 1
            return max(0, left)

    def _quantum(self) -> int:
        profile = self.profile
        if profile is None:
            return 65536
        # About 20 ms of the link per read, between one segment and 64 KiB.
        return max(536, min(65536, int(profile.bytes_per_s * 0.02)))

    def _pump(
        self,
        src: socket.socket,
        dst: socket.socket,
        up: bool,
        conn: _Conn,
        rtt: float,
        ready: float,
    ) -> None:
        done = threading.Event()
        delay = _Delay(dst, done)
        drain = False  # deliver what is queued before closing
        try:
            wait = ready - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            line = self._lines[0 if up else 1]
            while True:
                data = src.recv(self._quantum())
                if not data:
                    drain = True
                    break
                allowed = self._allowance(up, len(data))
                if allowed is not None:
                    data = data[:allowed]
                profile = self.profile
                if profile is None:
                    due = time.monotonic()
                else:
                    rate = profile.bytes_per_s
                    out = line.schedule(len(data), rate, self._stall_until)
                    # Read no faster than the link sends: the client's own buffers
                    # hold the rest, and a cut loses only what was on the wire.
                    ahead = out - time.monotonic()
                    if ahead > 0:
                        time.sleep(ahead)
                    due = out + rtt / 2
                self._count(up, len(data))
                delay.put(due, data)
                if allowed is not None:
                    drain, conn.planned = True, True
                    break
        except OSError:
            pass
        if drain and not conn.cut:
            delay.finish()
            done.wait(30)
        if conn.planned or not drain or conn.finished():
            for sock in conn.pair:
                _close(sock)
            with self._open_lock:
                self._open.discard(conn)
        else:
            with contextlib.suppress(OSError):
                dst.shutdown(socket.SHUT_WR)

    def _count(self, up: bool, n: int) -> None:
        with self.counters.lock:
            if up:
                self.counters.up += n
            else:
                self.counters.down += n


def _close(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
    with contextlib.suppress(OSError):
        sock.close()

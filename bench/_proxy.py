"""A TCP proxy that counts bytes and can cut a link mid-request or mid-response.

Used by ``bench sync`` (wire bytes, resume waste) and the sync fault tests.
"""

from __future__ import annotations

import contextlib
import socket
import threading
from dataclasses import dataclass, field

__all__ = ["CutPlan", "TcpProxy"]


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
    lock: threading.Lock = field(default_factory=threading.Lock)


class TcpProxy:
    """Listens on 127.0.0.1 and forwards every connection to ``target``."""

    def __init__(self, target_port: int, *, target_host: str = "127.0.0.1") -> None:
        self.target = (target_host, target_port)
        self.counters = _Counters()
        self.plan: CutPlan | None = None
        self._sock = socket.create_server(("127.0.0.1", 0))
        self.port = self._sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._open: set[socket.socket] = set()
        self._closed = threading.Event()
        self._base = (0, 0)
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def bytes_up(self) -> int:
        """Bytes from clients to the hub so far (headers included)."""
        return self.counters.up

    @property
    def bytes_down(self) -> int:
        """Bytes from the hub to clients so far (headers included)."""
        return self.counters.down

    def reset(self) -> None:
        """Zero the byte counters."""
        with self.counters.lock:
            self.counters.up = self.counters.down = 0

    def cut_next(self, plan: CutPlan) -> None:
        """Arm a cut: after this many more bytes in one direction, drop the link."""
        with self.counters.lock:
            self._base = (self.counters.up, self.counters.down)
            self.plan = plan

    def drop_connections(self) -> None:
        """Close every open connection (a link that goes away)."""
        for sock in list(self._open):
            _close(sock)

    def close(self) -> None:
        """Stop listening and drop every connection."""
        self._closed.set()
        _close(self._sock)
        self.drop_connections()

    def _accept(self) -> None:
        while not self._closed.is_set():
            try:
                client, _ = self._sock.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=10)
            except OSError:
                _close(client)
                continue
            upstream.settimeout(None)
            self.counters.connections += 1
            pair = (client, upstream)
            self._open.update(pair)
            threading.Thread(
                target=self._pump, args=(client, upstream, True, pair), daemon=True
            ).start()
            threading.Thread(
                target=self._pump, args=(upstream, client, False, pair), daemon=True
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

    def _pump(
        self,
        src: socket.socket,
        dst: socket.socket,
        up: bool,
        pair: tuple[socket.socket, ...],
    ) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                allowed = self._allowance(up, len(data))
                if allowed is not None:
                    dst.sendall(data[:allowed])
                    self._count(up, allowed)
                    break
                dst.sendall(data)
                self._count(up, len(data))
        except OSError:
            pass
        for sock in pair:
            _close(sock)
            self._open.discard(sock)

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

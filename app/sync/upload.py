"""The device side of ``POST /v1/upload``: send a body while reading the answer.

httpx reads an answer only once the whole body is sent, but a resumable upload
needs the hub's running count of stored bytes while the body is still going out:
after a cut that count is where the next attempt starts. So this one request is
spoken with h11 (the HTTP/1.1 state machine under httpx) over a plain socket: one
thread writes the body, the caller's thread reads frames as they come.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import h11

from app.errors import HubUnreachable, ProtocolError
from models.wire import FrameReader, UploadFrame, WireError

__all__ = ["Answer", "Next", "stream_upload"]

_CHUNK = 4096


@dataclass
class Answer:
    """What came back: the status, headers and body of an error, or the frames."""

    status: int
    headers: list[tuple[bytes, bytes]]
    body: bytes
    last: UploadFrame | None
    sent: int
    received: int


def _open(url: str, timeout: float, tls: ssl.SSLContext | None) -> socket.socket:
    parts = urlsplit(url)
    host = parts.hostname or "127.0.0.1"
    secure = parts.scheme == "https"
    port = parts.port or (443 if secure else 80)
    try:
        sock = socket.create_connection((host, port), timeout=timeout)
    except TimeoutError:
        raise HubUnreachable("ConnectTimeout") from None
    except OSError:
        raise HubUnreachable("ConnectError") from None
    if secure:
        context = tls or ssl.create_default_context()
        try:
            sock = context.wrap_socket(sock, server_hostname=host)
        except OSError:
            sock.close()
            raise HubUnreachable("ConnectError") from None
    return sock


#: Given the last frame of a first answer: the headers and body to send next.
Next = Callable[[UploadFrame], "tuple[dict[str, str], bytes] | None"]


def stream_upload(
    base_url: str,
    path: str,
    *,
    headers: dict[str, str],
    body: bytes,
    on_frame: Callable[[UploadFrame], None],
    meter: Callable[[int, int], None],
    connect_timeout: float,
    read_timeout: float,
    tls: ssl.SSLContext | None = None,
    then: Next | None = None,
) -> Answer:
    """POST ``body`` to ``path``; call ``on_frame`` for each frame as it arrives.

    With ``then``, this first request is a question (its ``body`` is usually
    empty): once its answer has ended, ``then(last frame)`` gives the headers
    and body of a second request sent on the same connection, or ``None`` to
    stop there. After a cut this asks the hub how much it holds before sending
    anything, at the cost of one round trip instead of the bytes it already has.

    ``meter(sent, received)`` is called once at the end, cut or not, with the
    bytes written to and read from the socket (headers included).

    Raises:
        HubUnreachable: the link failed (connect, write or read), even mid-body;
            the frames seen before still reached ``on_frame``.
        ProtocolError: the answer was not valid frames.
    """
    link = _Link(base_url, path, connect_timeout, read_timeout, tls)
    try:
        answer = link.exchange(headers, body, on_frame)
        if then is None or answer.status != 200 or answer.last is None:
            return answer
        if answer.last.done:
            return answer
        following = then(answer.last)
        if following is None:
            return answer
        link.next_cycle()
        return link.exchange(following[0], following[1], on_frame)
    finally:
        link.close()
        meter(link.sent[0], link.received[0])


class _Link:
    """One connection to the hub, spoken with h11, for one or two requests."""

    def __init__(
        self,
        base_url: str,
        path: str,
        connect_timeout: float,
        read_timeout: float,
        tls: ssl.SSLContext | None,
    ) -> None:
        self._args = (base_url, connect_timeout, tls)
        self._read_timeout = read_timeout
        self.host = urlsplit(base_url).netloc
        self.path = path
        self.sent, self.received = [0], [0]
        self._writer: threading.Thread | None = None
        self.sock = self._connect()
        self.conn = h11.Connection(our_role=h11.CLIENT)

    def _connect(self) -> socket.socket:
        base_url, connect_timeout, tls = self._args
        sock = _open(base_url, connect_timeout, tls)
        sock.settimeout(self._read_timeout)
        return sock

    def exchange(
        self,
        headers: dict[str, str],
        body: bytes,
        on_frame: Callable[[UploadFrame], None],
    ) -> Answer:
        """Send one request (its body from a thread) while reading the answer."""
        conn, sock, sent = self.conn, self.sock, self.sent
        request = h11.Request(
            method="POST",
            target=self.path,
            headers=[
                ("host", self.host),
                ("content-length", str(len(body))),
                *headers.items(),
            ],
        )
        head = conn.send(request) or b""

        def write() -> None:
            try:
                sock.sendall(head)
                sent[0] += len(head)
                view = memoryview(body)
                for start in range(0, len(body), _CHUNK):
                    piece = view[start : start + _CHUNK]
                    sock.sendall(conn.send(h11.Data(data=bytes(piece))) or b"")
                    sent[0] += len(piece)
                sock.sendall(conn.send(h11.EndOfMessage()) or b"")
            except (OSError, h11.LocalProtocolError):
                return  # the reader sees the cut too

        self._writer = threading.Thread(target=write, name="parley-upload", daemon=True)
        self._writer.start()
        return _read(conn, sock, on_frame, sent, self.received)

    def next_cycle(self) -> None:
        """Make the connection ready for the next request (a new one if the hub
        closed it)."""
        if self._writer is not None:
            self._writer.join(5)
        try:
            self.conn.start_next_cycle()
        except h11.LocalProtocolError:
            self.close()
            self.sock = self._connect()
            self.conn = h11.Connection(our_role=h11.CLIENT)

    def close(self) -> None:
        """Close the socket; wait for the writer to notice."""
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()
        if self._writer is not None:
            self._writer.join(5)


def _read(
    conn: h11.Connection,
    sock: socket.socket,
    on_frame: Callable[[UploadFrame], None],
    sent: list[int],
    received: list[int],
) -> Answer:
    status, headers, body = 0, [], bytearray()
    frames = FrameReader()
    last: UploadFrame | None = None
    while True:
        try:
            event = conn.next_event()
        except h11.RemoteProtocolError:
            raise HubUnreachable("RemoteProtocolError") from None
        if event is h11.NEED_DATA:
            try:
                data = sock.recv(65536)
            except TimeoutError:
                raise HubUnreachable("ReadTimeout") from None
            except OSError:
                raise HubUnreachable("ReadError") from None
            received[0] += len(data)
            conn.receive_data(data)
            if not data and conn.their_state is not h11.DONE:
                raise HubUnreachable("ReadError")
            continue
        if isinstance(event, h11.Response):
            status, headers = event.status_code, list(event.headers)
        elif isinstance(event, h11.Data):
            if status != 200:
                body += event.data
                continue
            try:
                for frame in frames.feed(event.data):
                    last = frame
                    on_frame(frame)
            except WireError:
                raise ProtocolError("frames") from None
        elif isinstance(event, h11.EndOfMessage | h11.ConnectionClosed):
            return Answer(status, headers, bytes(body), last, sent[0], received[0])

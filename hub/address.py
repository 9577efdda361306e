"""The address devices should use: what ``parley-hub serve`` really listens on.

``serve`` writes the URL it serves to a file beside the hub key file
(``hub.key`` -> ``hub.address``, mode 0600); ``enroll`` prints that URL, unless told one
(``--hub-url`` or ``PARLEY_HUB_PUBLIC_URL``, for a hub behind a proxy or a
name). A hub bound to every interface (``0.0.0.0``) is reached at this
machine's own address on the network it routes through, never at 0.0.0.0.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import socket
from pathlib import Path

__all__ = ["address_file", "read_address", "serving_url", "write_address"]

_ANY = {"0.0.0.0", "::", ""}


def address_file(key_path: Path) -> Path:
    """Where ``serve`` records its address: beside the hub key file, named
    after it (``hub.key`` -> ``hub.address``), so hubs whose key files share a
    folder keep their own."""
    return key_path.with_suffix(".address")


def _own_address() -> str:
    """This machine's address on the network its default route uses.

    A UDP socket is "connected" to a documentation address: nothing is sent,
    the kernel only picks the source address it would use.
    """
    with (
        contextlib.suppress(OSError),
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe,
    ):
        probe.connect(("192.0.2.1", 9))
        found = str(probe.getsockname()[0])
        if not ipaddress.ip_address(found).is_unspecified:
            return found
    return socket.gethostname()


def serving_url(host: str, port: int) -> str:
    """The URL a device on the network uses for a hub bound to ``host:port``."""
    name = _own_address() if host in _ANY else host
    if ":" in name and not name.startswith("["):
        name = f"[{name}]"
    return f"http://{name}:{port}"


def write_address(path: Path, url: str) -> None:
    """Record the served URL (mode 0600, replaced atomically)."""
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.write(fd, url.encode() + b"\n")
    finally:
        os.close(fd)
    os.replace(tmp, path)


def read_address(path: Path) -> str | None:
    """The URL the last ``serve`` recorded, if any."""
    try:
        text = path.read_text().strip()
    except (OSError, UnicodeDecodeError):
        return None
    return text if text.startswith(("http://", "https://")) else None

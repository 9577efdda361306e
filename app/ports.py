"""Is a local port free? Asked before serving, so a taken port gets one clear line."""

from __future__ import annotations

import socket

__all__ = ["port_in_use", "taken_port_line"]


def port_in_use(host: str, port: int) -> bool:
    """True when something already listens on ``host:port`` (or it cannot be bound)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # As the servers do: a port left in TIME_WAIT is free, a listener is not.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError:
            return True
    return False


def taken_port_line(port: int, *, what: str, variable: str, flag: str) -> str:
    """The one line printed for a taken port: which port, and how to choose another."""
    other = port + 1
    return (
        f"Port {port} ({what}) is already in use, perhaps by another Parley. "
        f"Choose another: make run {variable}={other}, or {flag} {other}."
    )

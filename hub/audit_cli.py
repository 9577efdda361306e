"""``parley-hub audit verify`` and ``parley-hub audit show``."""

from __future__ import annotations

import argparse
import sys
from datetime import UTC, datetime

from hub.audit import AuditEntry, entries, verify_chain
from hub.db import HubDb
from hub.orgkeys import OrgKeys

__all__ = ["add_parser", "run"]

_ACTIONS = {
    "init": "organisation created",
    "enroll": "device enrolled",
    "revoke": "device revoked",
    "wipe": "device wipe queued",
    "publish": "guidance published",
    "export": "export reported",
}


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``audit verify`` and ``audit show`` to the ``parley-hub`` parser."""
    cmd = sub.add_parser("audit", help="check or read the hub's audit log")
    which = cmd.add_subparsers(dest="audit_command", required=True)
    which.add_parser("verify", help="check every entry against the chain")
    show = which.add_parser("show", help="print entries (no contact content)")
    show.add_argument(
        "--last", type=int, default=50, help="the newest N entries (0: all)"
    )
    show.add_argument("--action", choices=sorted(_ACTIONS), help="only this action")


def _say(text: str) -> None:
    sys.stdout.write(text + "\n")


def _when(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M:%S")


def _line(entry: AuditEntry) -> str:
    what = _ACTIONS.get(entry.action, entry.action)
    details = "  ".join(f"{k}={v}" for k, v in sorted(entry.details().items()))
    return (
        f"{entry.seq:>6}  {_when(entry.at)}  {what:22} {entry.actor:18} "
        f"{entry.subject:34} {details}".rstrip()
    )


def _show(args: argparse.Namespace, db: HubDb) -> None:
    found = [e for e in entries(db) if args.action in (None, e.action)]
    if args.last > 0:
        found = found[-args.last :]
    _say(f"{'#':>6}  {'when (UTC)':19}  {'action':22} {'by':18} {'subject':34} details")
    for entry in found:
        _say(_line(entry))
    if not found:
        _say("no entries")


def _verify(db: HubDb, keys: OrgKeys) -> str | None:
    held, broken = verify_chain(db, command_pub=keys.command_pub)
    if broken is not None:
        good = f"entries 1 to {held} hold" if held else "no entry before it holds"
        return f"audit log broken at entry {broken.seq}: {broken.reason}; {good}"
    _say(f"audit log holds: {held} entries, each chained and signed")
    return None


def run(args: argparse.Namespace, db: HubDb, keys: OrgKeys) -> str | None:
    """Run one ``audit`` command; return the operator's error text, if any."""
    if args.audit_command == "verify":
        return _verify(db, keys)
    _show(args, db)
    return None

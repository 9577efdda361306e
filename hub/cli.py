"""``parley-hub``: init, serve, enroll, devices, revoke, wipe, publish-guidance,
audit."""

from __future__ import annotations

import argparse
import contextlib
import getpass
import io
import logging
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from hub import audit_cli
from hub.db import HubDb, migrate
from hub.devices import UnknownDevice, find_device, list_devices, revoke, wipe
from hub.enrollment import create_code, enroll_uri
from hub.keyfile import KeyFileError, load_key, load_or_create_key
from hub.orgkeys import OrgExists, OrgKeys, init_org, load_org, org_exists
from hub.packs import pack_version, publish
from hub.service import Hub, now_ms
from hub.settings import HubSettings
from models.enums import Role
from models.keys import WrapParams, fingerprint

__all__ = ["main", "parse_ttl"]

PASSPHRASE_ENV = "PARLEY_ORG_PASSPHRASE"
MIN_PASSPHRASE = 12
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class CliError(Exception):
    """A message for the operator; exit status 1."""


def parse_ttl(text: str) -> int:
    """``90s``, ``30m``, ``24h``, ``7d`` → milliseconds."""
    unit = text[-1:].lower()
    if unit not in _UNITS or not text[:-1].isdigit() or int(text[:-1]) <= 0:
        raise argparse.ArgumentTypeError("use a number and s, m, h or d, like 24h")
    return int(text[:-1]) * _UNITS[unit] * 1000


def _passphrase(env: str | None) -> str:
    value = os.environ.get(env or PASSPHRASE_ENV)
    if value is None:
        value = getpass.getpass("Organisation passphrase: ")
        if getpass.getpass("Again: ") != value:
            raise CliError("the two passphrases differ")
    if len(value) < MIN_PASSPHRASE:
        raise CliError(
            f"the organisation passphrase needs {MIN_PASSPHRASE} characters or more"
        )
    return value


@contextlib.contextmanager
def _database(settings: HubSettings) -> Iterator[HubDb]:
    migrate(settings.database_url)
    db = HubDb(settings.database_url)
    try:
        yield db
    finally:
        db.close()


@contextlib.contextmanager
def _open(settings: HubSettings) -> Iterator[tuple[HubDb, OrgKeys]]:
    with _database(settings) as db:
        if not org_exists(db):
            raise CliError("no organisation yet: run `parley-hub init` first")
        try:
            keys = load_org(db, master=load_key(settings.key_path))
        except KeyFileError as exc:
            raise CliError(f"{exc}; restore it from the backup made at init") from None
        assert keys is not None
        yield db, keys


def _master(settings: HubSettings) -> bytes:
    try:
        return load_or_create_key(settings.key_path)
    except (KeyFileError, OSError) as exc:
        raise CliError(str(exc)) from None


def _cmd_init(args: argparse.Namespace, settings: HubSettings) -> None:
    params = WrapParams(memory_kib=args.kdf_memory_kib) if args.kdf_memory_kib else None
    with _database(settings) as db:
        if org_exists(db):
            raise CliError("this database already has an organisation")
        passphrase = _passphrase(args.passphrase_env)
        master = _master(settings)
        try:
            keys = init_org(
                db, name=args.org, passphrase=passphrase, master=master, params=params
            )
        except OrgExists:
            raise CliError("this database already has an organisation") from None
    print(f"organisation {keys.name!r} created")
    print(f"hub key file    {settings.key_path} (back it up apart from the database)")
    print(f"command key     {fingerprint(keys.command_pub)}")
    print(f"publishing key  {fingerprint(keys.publish_pub)}")
    print(f"records key     {fingerprint(keys.records_pub)} (private half wrapped)")


def _serve(settings: HubSettings, db: HubDb, keys: OrgKeys) -> None:
    import uvicorn

    from hub.api import create_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    app = create_app(Hub(db, keys, settings))
    uvicorn.run(
        app,
        host=settings.host,
        port=settings.port,
        access_log=False,
        server_header=False,
        date_header=False,
        log_level="warning",
        # Keep idle connections well past a device's retry wait: on 2G and
        # satellite every new connection costs a round trip.
        timeout_keep_alive=75,
    )


def _print_code(code: str, url: str) -> None:
    import qrcode

    uri = enroll_uri(url, code)
    qr = qrcode.QRCode(border=1)
    qr.add_data(uri)
    out = io.StringIO()
    qr.print_ascii(out=out, invert=True)
    print(out.getvalue(), end="")
    print(f"hub address      {url}")
    print(f"enrollment code  {code}", flush=True)


def _cmd_enroll(args: argparse.Namespace, settings: HubSettings) -> None:
    with _open(settings) as (db, _):
        code = _new_code(db, args)
    url = args.url or f"http://{settings.host}:{settings.port}"
    _print_code(code, url)
    ttl = args.ttl // 1000
    print(f"team {args.team}, role {args.role}, single use, expires in {ttl}s")


def _new_code(db: HubDb, args: argparse.Namespace) -> str:
    return create_code(
        db, team=args.team, role=Role(args.role), ttl_ms=args.ttl, now_ms=now_ms()
    )


def _when(ms: int | None) -> str:
    if not ms:
        return "never"
    return datetime.fromtimestamp(ms / 1000, UTC).strftime("%Y-%m-%d %H:%M")


def _cmd_devices(_args: argparse.Namespace, settings: HubSettings) -> None:
    with _open(settings) as (db, _):
        found = list_devices(db)
    print(
        f"{'device':32}  {'team':12} {'role':11} {'status':8} {'last seen':16} batches"
    )
    for d in found:
        seen = _when(d.last_seen)
        print(
            f"{d.id:32}  {d.team:12} {d.role:11} {d.status:8} {seen:16} {d.last_batch}"
        )


def _device_action(args: argparse.Namespace, settings: HubSettings) -> None:
    with _open(settings) as (db, keys):
        try:
            device = find_device(db, args.device)
        except UnknownDevice:
            raise CliError("no single device matches that id") from None
        action = revoke if args.command == "revoke" else wipe
        action(db, keys, device, now_ms=now_ms())
    if args.command == "revoke":
        print(f"device {device} revoked; it will be told to wipe")
    else:
        print(f"device {device} will wipe at its next sync")


def _cmd_publish(args: argparse.Namespace, settings: HubSettings) -> None:
    data = Path(args.pack).read_bytes()
    with _open(settings) as (db, keys):
        try:
            wanted = args.version if args.version is not None else pack_version(data)
            version = publish(db, keys, data, version=wanted, now_ms=now_ms())
        except ValueError as exc:
            raise CliError(str(exc)) from None
    print(f"guidance pack version {version} published ({len(data)} bytes, signed)")


def _cmd_serve(_args: argparse.Namespace, settings: HubSettings) -> None:
    with _open(settings) as (db, keys):
        _serve(settings, db, keys)


def _cmd_audit(args: argparse.Namespace, settings: HubSettings) -> None:
    with _open(settings) as (db, keys):
        problem = audit_cli.run(args, db, keys)
    if problem:
        raise CliError(problem)


def _cmd_demo(args: argparse.Namespace, settings: HubSettings) -> None:
    with _database(settings) as db:
        master = _master(settings)
        try:
            keys = load_org(db, master=master)
        except KeyFileError as exc:
            raise CliError(str(exc)) from None
        if keys is None:
            passphrase = os.environ.get(PASSPHRASE_ENV, "demo organisation passphrase")
            keys = init_org(
                db, name="Demo organisation", passphrase=passphrase, master=master
            )
            print(
                f"demo organisation created; its passphrase is {passphrase!r}",
                flush=True,
            )
        day = 24 * 3600 * 1000
        code = create_code(
            db, team=args.team, role=Role.FIELD, ttl_ms=day, now_ms=now_ms()
        )
        _print_code(code, f"http://{settings.host}:{settings.port}")
        _serve(settings, db, keys)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="parley-hub", description=__doc__)
    parser.add_argument("--database-url", help="default: sqlite file var/hub.db")
    parser.add_argument(
        "--key-file", help="hub key file (default: beside a SQLite database)"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    init = sub.add_parser("init", help="create the organisation and the hub keys")
    init.add_argument("--org", default="Parley organisation")
    init.add_argument(
        "--passphrase-env",
        help=f"read the passphrase from this variable ({PASSPHRASE_ENV})",
    )
    init.add_argument("--kdf-memory-kib", type=int, help=argparse.SUPPRESS)
    for name in ("serve", "demo"):
        cmd = sub.add_parser(
            name, help="run the hub" if name == "serve" else "demo org, code, serve"
        )
        cmd.add_argument("--host", help="default 127.0.0.1")
        cmd.add_argument("--port", type=int)
        if name == "demo":
            cmd.add_argument("--team", default="demo")
    enroll = sub.add_parser("enroll", help="print a single-use enrollment code")
    enroll.add_argument("--team", required=True)
    enroll.add_argument("--role", choices=[r.value for r in Role], required=True)
    enroll.add_argument("--ttl", type=parse_ttl, default=parse_ttl("24h"))
    enroll.add_argument("--url", help="hub address the device should use")
    sub.add_parser("devices", help="list enrolled devices")
    for name in ("revoke", "wipe"):
        cmd = sub.add_parser(name, help=f"{name} a device")
        cmd.add_argument("device")
    pub = sub.add_parser("publish-guidance", help="sign and publish a guidance pack")
    pub.add_argument("pack")
    pub.add_argument(
        "--version", type=int, help="default: the version in the pack's pack.toml"
    )
    audit_cli.add_parser(sub)
    return parser


_COMMANDS = {
    "init": _cmd_init,
    "serve": _cmd_serve,
    "demo": _cmd_demo,
    "enroll": _cmd_enroll,
    "devices": _cmd_devices,
    "revoke": _device_action,
    "wipe": _device_action,
    "publish-guidance": _cmd_publish,
    "audit": _cmd_audit,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``parley-hub`` console script."""
    args = _parser().parse_args(argv)
    settings = HubSettings.from_env()
    overrides = {
        "database_url": args.database_url,
        "key_file": args.key_file,
        "host": getattr(args, "host", None),
        "port": getattr(args, "port", None),
    }
    settings = replace(settings, **{k: v for k, v in overrides.items() if v})
    try:
        _COMMANDS[args.command](args, settings)
    except CliError as exc:
        print(f"parley-hub: {exc}", file=sys.stderr)
        return 1
    return 0

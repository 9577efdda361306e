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
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url
from sqlalchemy.exc import (
    ArgumentError,
    NoSuchModuleError,
    OperationalError,
    SQLAlchemyError,
)

from hub import audit_cli
from hub.address import address_file, read_address, serving_url, write_address
from hub.db import HubDb, migrate, normalize_url
from hub.devices import UnknownDevice, find_device, list_devices, revoke, wipe
from hub.enrollment import create_code, enroll_uri
from hub.keyfile import KeyFileError, load_key, load_or_create_key
from hub.orgkeys import OrgExists, OrgKeys, init_org, load_org, org_exists
from hub.packs import pack_version, publish
from hub.service import Hub, now_ms
from hub.settings import HubSettings
from models.enums import Role
from models.keys import WrapParams, fingerprint
from models.text import NAME_MAX, TEAM_MAX, is_clean

__all__ = ["main", "parse_ttl"]

PASSPHRASE_ENV = "PARLEY_ORG_PASSPHRASE"
MIN_PASSPHRASE = 12
MIN_ID_PREFIX = 8
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class CliError(Exception):
    """A message for the operator; exit status 1."""


def parse_ttl(text: str) -> int:
    """``90s``, ``30m``, ``24h``, ``7d`` → milliseconds."""
    unit = text[-1:].lower()
    if unit not in _UNITS or not text[:-1].isdigit() or int(text[:-1]) <= 0:
        raise argparse.ArgumentTypeError("use a number and s, m, h or d, like 24h")
    return int(text[:-1]) * _UNITS[unit] * 1000


def _text(limit: int) -> Callable[[str], str]:
    """An argparse type: one clean line of at most ``limit`` characters."""

    def check(text: str) -> str:
        clean = text.strip()
        if not clean or len(clean) > limit:
            raise argparse.ArgumentTypeError(f"use 1 to {limit} characters")
        if not is_clean(clean):
            raise argparse.ArgumentTypeError("control characters are not allowed")
        return clean

    return check


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


def _shown_url(url: str) -> str:
    """The database URL with any password hidden."""
    try:
        return make_url(normalize_url(url)).render_as_string(hide_password=True)
    except ArgumentError:
        return "(unreadable URL)"


def _database_error(url: str, exc: Exception) -> CliError:
    where = _shown_url(url)
    if isinstance(exc, ArgumentError | NoSuchModuleError):
        return CliError(
            f"{where} is not a database URL; use sqlite:///path/hub.db "
            "or postgresql://user@host:5432/name"
        )
    reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    detail = reason[0] if reason else type(exc).__name__
    return CliError(f"cannot open the database {where}: {detail}")


@contextlib.contextmanager
def _database(settings: HubSettings) -> Iterator[HubDb]:
    url = settings.database_url
    try:
        migrate(url)
        db = HubDb(url)
    except (SQLAlchemyError, OSError) as exc:
        raise _database_error(url, exc) from None
    try:
        yield db
    except OperationalError as exc:
        raise _database_error(url, exc) from None
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
    from hub.serving import uvicorn_config

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    app = create_app(Hub(db, keys, settings))
    url = settings.public_url or serving_url(settings.host, settings.port)
    with contextlib.suppress(OSError):
        write_address(address_file(settings.key_path), url)
    print(f"serving on {settings.host}:{settings.port}; devices use {url}", flush=True)
    uvicorn.Server(uvicorn_config(app, settings)).run()


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


def _enroll_url(args: argparse.Namespace, settings: HubSettings) -> str:
    """The hub address a new device is given, and a warning when it is a guess."""
    url = (
        args.hub_url
        or settings.public_url
        or read_address(address_file(settings.key_path))
    )
    if url:
        return str(url)
    guess = serving_url(settings.host, settings.port)
    print(
        f"no running hub recorded its address; assuming {guess} "
        "(start `parley-hub serve` first, or pass --hub-url)",
        file=sys.stderr,
    )
    return guess


def _cmd_enroll(args: argparse.Namespace, settings: HubSettings) -> None:
    url = _enroll_url(args, settings)
    with _open(settings) as (db, _):
        code = _new_code(db, args)
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


def _confirm(question: str) -> bool:
    try:
        answer = input(f"{question} Type yes to go on: ")
    except EOFError:
        return False
    return answer.strip().lower() == "yes"


def _device_action(args: argparse.Namespace, settings: HubSettings) -> None:
    if len(args.device) < MIN_ID_PREFIX:
        raise CliError(
            f"give at least {MIN_ID_PREFIX} characters of the device id "
            "(`parley-hub devices` lists them)"
        )
    with _open(settings) as (db, keys):
        try:
            device = find_device(db, args.device)
        except UnknownDevice as exc:
            raise CliError(str(exc)) from None
        info = next(d for d in list_devices(db) if d.id == device)
        what = "revoke" if args.command == "revoke" else "wipe"
        question = (
            f"{what.capitalize()} device {device} "
            f"(team {info.team}, {info.role}, {info.status})?"
        )
        if not args.yes and not _confirm(question):
            raise CliError("nothing done")
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
        _print_code(
            code, settings.public_url or serving_url(settings.host, settings.port)
        )
        _serve(settings, db, keys)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="parley-hub", description=__doc__)
    parser.add_argument("--database-url", help="default: sqlite file var/hub.db")
    parser.add_argument(
        "--key-file", help="hub key file (default: beside a SQLite database)"
    )
    sub = parser.add_subparsers(dest="command", required=True)
    init = sub.add_parser("init", help="create the organisation and the hub keys")
    init.add_argument("--org", default="Parley organisation", type=_text(NAME_MAX))
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
            cmd.add_argument("--team", default="demo", type=_text(TEAM_MAX))
    enroll = sub.add_parser("enroll", help="print a single-use enrollment code")
    enroll.add_argument("--team", required=True, type=_text(TEAM_MAX))
    enroll.add_argument("--role", choices=[r.value for r in Role], required=True)
    enroll.add_argument("--ttl", type=parse_ttl, default=parse_ttl("24h"))
    enroll.add_argument(
        "--hub-url",
        "--url",
        dest="hub_url",
        help="hub address the device should use (default: what `serve` serves)",
    )
    sub.add_parser("devices", help="list enrolled devices")
    for name in ("revoke", "wipe"):
        cmd = sub.add_parser(name, help=f"{name} a device")
        cmd.add_argument(
            "device", help=f"the device id, or a unique prefix of {MIN_ID_PREFIX}+"
        )
        cmd.add_argument("--yes", action="store_true", help="do not ask to confirm")
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
    except KeyboardInterrupt:
        print("parley-hub: stopped", file=sys.stderr)
        return 130
    except SQLAlchemyError as exc:
        error = _database_error(settings.database_url, exc)
        print(f"parley-hub: {error}", file=sys.stderr)
        return 1
    except OSError as exc:
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"parley-hub: {exc.strerror or exc}{where}", file=sys.stderr)
        return 1
    except CliError as exc:
        print(f"parley-hub: {exc}", file=sys.stderr)
        return 1
    return 0

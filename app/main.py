"""Composition root of the field app: settings, vault, services, UI; ``parley``."""

from __future__ import annotations

import asyncio
import importlib.util
import logging
import os
import sys
from collections.abc import Awaitable, Callable, Sequence
from typing import TYPE_CHECKING, Any

from app.errors import AppError, ContentError
from app.ports import port_in_use, taken_port_line
from app.services import Services, VaultGate, open_services
from app.services.courier import Courier
from app.services.guidance import GuidanceLibrary, PackInstaller, bundled_pack_dir
from app.settings import Settings
from app.store import FileSecrets, KdfParams, SecretStore, Store, Vault

if TYPE_CHECKING:
    from app.keystore import KeystoreSecrets

__all__ = [
    "SharedGuidance",
    "build_gate",
    "build_guidance",
    "device_secrets",
    "main",
    "phone_main",
    "recover",
    "run",
    "serve",
    "settings_from_args",
    "web_ready",
]

INSTALL_HINT = "The local web build needs flet-web: pip install 'parley[web]'"

log = logging.getLogger("parley")


def _refuse(_data: bytes) -> None:
    raise ContentError("unsigned")


def build_guidance(settings: Settings) -> GuidanceLibrary:
    """The guidance library every session shares: the installed pack, else bundled.

    Raises:
        ContentError: the bundled pack itself is broken (a build defect).
    """
    # This installer only picks the pack in use; it installs nothing. Packs reach
    # packs_dir through sync alone (app.services.hubpacks), whose installer takes
    # only bytes the hub signed.
    installer = PackInstaller(
        settings.packs_dir, bundled=bundled_pack_dir(), verify=_refuse
    )
    library = GuidanceLibrary(installer.active())
    if installer.fallback_reason is not None:
        log.warning("installed guidance pack unusable (%s)", installer.fallback_reason)
    return library


class SharedGuidance:
    """The guidance library new sessions get; a pack installed by sync replaces it."""

    def __init__(self, library: GuidanceLibrary) -> None:
        self.current = library

    def replace(self, library: GuidanceLibrary) -> None:
        """Give ``library`` to the sessions opened from now on."""
        self.current = library


def device_secrets(settings: Settings) -> FileSecrets:
    """The file fallback for device secrets (desktop, the local web build).

    Created at first start, so the file dates from the install, not from the vault.
    """
    secrets = FileSecrets(settings.secrets_path)
    try:
        secrets.ensure()
    except AppError as err:  # reported again, in words, when the vault needs it
        log.warning("device secrets file not ready (%s)", err.code)
    return secrets


def build_gate(
    settings: Settings,
    *,
    kdf: KdfParams | None = None,
    secrets: SecretStore | None = None,
) -> VaultGate:
    """The vault and the factory of per-session services (one guidance library).

    A new vault's Argon2id costs are calibrated on this device; ``kdf`` (tests and
    benchmarks only, never read from the environment) sets them instead.
    ``secrets`` is the device's secret store: the phone's Keystore/Keychain in a
    phone build, else the file fallback.
    """
    vault = Vault(
        settings.vault_dir,
        secrets=secrets if secrets is not None else device_secrets(settings),
        kdf=kdf,
        companions=[settings.packs_dir],
    )
    shared = SharedGuidance(build_guidance(settings))
    # Sends what sessions sealed while the app is locked (one per process).
    courier = Courier(vault)
    # A wipe or duress removes the packs the hub installed: later sessions read
    # the bundled guidance again.
    vault.on_erase.append(lambda: shared.replace(build_guidance(settings)))

    def factory(store: Store, opened: Vault) -> Services:
        return open_services(
            store,
            opened,
            default_idle_s=settings.idle_timeout_s,
            guidance=shared.current,
            packs_dir=settings.packs_dir,
            on_pack=shared.replace,
            courier=courier,
        )

    return VaultGate(vault, factory)


def recover(gate: VaultGate) -> None:
    """Finish what a killed process left half done (a duress unlock, a rotation)."""
    try:
        gate.recover()
    except AppError as err:  # the unlock screen reports it in words
        log.warning("vault recovery deferred (%s)", err.code)


def phone_main(
    gate: VaultGate, settings: Settings, keystore: KeystoreSecrets
) -> Callable[[Any], Awaitable[None]]:
    """The phone's ``main(page)``: bind the Keystore/Keychain first, then the UI."""
    from app.ui import make_main

    ui_main = make_main(gate, settings)

    async def main(page: Any) -> None:
        try:
            await keystore.attach(page)
        except AppError as err:  # every vault call then says the storage is down
            log.warning("secure storage not attached (%s)", err.code)
        else:
            await asyncio.to_thread(recover, gate)
        ui_main(page)

    return main


def web_ready() -> bool:
    """True when a flet-web matching flet is installed (else Flet would pip-install)."""
    if importlib.util.find_spec("flet_web") is None:
        return False
    import flet.version
    import flet_web.version

    return bool(flet_web.version.version == flet.version.flet_version)


def _on_phone() -> bool:
    # A `flet build` app runs embedded: no web server, the client is the app itself.
    from flet.utils import is_embedded

    return bool(is_embedded())  # type: ignore[no-untyped-call]


def _serve_env(settings: Settings) -> None:
    # Flet reads these; set them so nothing else (an inherited FLET_SERVER_IP of
    # 0.0.0.0, a CDN renderer) can widen what we serve.
    os.environ["FLET_FORCE_WEB_SERVER"] = "true"
    os.environ["FLET_WEB_NO_CDN"] = "true"
    os.environ["FLET_SERVER_IP"] = settings.host
    os.environ["FLET_SERVER_PORT"] = str(settings.port)


def settings_from_args(argv: Sequence[str] | None = None) -> Settings:
    """Settings from the environment, with ``--port N`` taken from the arguments."""
    args = list(sys.argv[1:] if argv is None else argv)
    overrides: dict[str, int] = {}
    if "--port" in args:
        overrides["port"] = int(args[args.index("--port") + 1])
    return Settings.from_env(None, **overrides)


def main(argv: Sequence[str] | None = None) -> int:
    """Serve the field app on 127.0.0.1 (``--port N`` to change the port)."""
    return serve(settings_from_args(argv))


def serve(settings: Settings, gate: VaultGate | None = None) -> int:
    """Run the field app: embedded on a phone, else the local web build.

    ``gate`` defaults to :func:`build_gate` (tests pass one with cheap KDF costs).
    """
    if _on_phone():
        import flet as ft

        from app.keystore import KeystoreSecrets

        keystore = KeystoreSecrets()
        gate = gate or build_gate(settings, secrets=keystore)
        ft.run(phone_main(gate, settings, keystore))
        return 0
    if not web_ready():
        print(INSTALL_HINT, file=sys.stderr)
        return 1
    import flet as ft

    from app.ui import make_main

    logging.basicConfig(
        level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s"
    )
    if port_in_use(settings.host, settings.port):
        print(
            taken_port_line(
                settings.port, what="field app", variable="PORT", flag="parley --port"
            ),
            file=sys.stderr,
        )
        return 1
    _serve_env(settings)
    gate = gate or build_gate(settings)
    recover(gate)
    print(f"Parley field app: http://{settings.host}:{settings.port}/", flush=True)
    ft.run(
        make_main(gate, settings),
        view=ft.AppView.WEB_BROWSER,
        host=settings.host,
        port=settings.port,
        assets_dir=str(settings.assets_dir),
        no_cdn=True,
    )
    return 0


def run() -> None:
    """Console script ``parley``."""
    sys.exit(main())


if __name__ == "__main__":
    run()

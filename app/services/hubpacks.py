"""Guidance packs from the hub: the sync engine's pack seam onto the guidance installer.

The sync engine checks the hub's publishing signature over a manifest (version,
size, SHA-256) and the downloaded bytes against it, then calls
:meth:`HubPacks.install`. The guidance installer checks the pack itself and
switches to it atomically. The two version numbers are the same number: the hub
publishes a pack under the ``version`` of its own ``pack.toml``
(``parley-hub publish-guidance PACK --version N``), and a pack whose ``pack.toml``
says otherwise is refused.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable
from pathlib import Path

from app.errors import ContentError
from app.services.guidance import Pack, PackInstaller, load_pack_files, read_archive

__all__ = ["HubPacks"]


class HubPacks:
    """Implements the sync side's ``PackInstaller`` protocol over the guidance one.

    Built with :meth:`create`, the guidance installer accepts only bytes this
    adapter is installing right now, so nothing reaches it that did not come
    through the hub's signed manifest.
    """

    def __init__(
        self,
        installer: PackInstaller,
        *,
        on_installed: Callable[[Pack], None] | None = None,
    ) -> None:
        """Wrap ``installer``; ``on_installed`` hears of each new pack in use."""
        self._installer = installer
        self._on_installed = on_installed
        self._lock = threading.Lock()
        self._expected: bytes | None = None
        self._version: int | None = None

    @classmethod
    def create(
        cls,
        packs_dir: Path,
        *,
        bundled: Path,
        on_installed: Callable[[Pack], None] | None = None,
    ) -> HubPacks:
        """An adapter over a new guidance installer for ``packs_dir``."""
        holder: list[HubPacks] = []
        installer = PackInstaller(
            packs_dir, bundled=bundled, verify=lambda data: holder[0].verify(data)
        )
        made = cls(installer, on_installed=on_installed)
        holder.append(made)
        return made

    def installed_version(self) -> int:
        """The version of the pack in use (installed or bundled)."""
        if self._version is None:
            self._version = self._installer.active().info.version
        return self._version

    def install(self, *, version: int, data: bytes) -> None:
        """Check and install a pack the sync engine verified against the hub.

        Raises:
            ContentError: ``version_mismatch`` when ``pack.toml`` disagrees with
                the signed version, or whatever the guidance installer refuses
                (``not_newer``, a broken pack...). The pack in use stays.
        """
        if load_pack_files(read_archive(data)).info.version != version:
            raise ContentError("version_mismatch", "pack.toml")
        with self._lock:
            self._expected = hashlib.sha256(data).digest()
            try:
                pack = self._installer.install(data)
            finally:
                self._expected = None
        self._version = pack.info.version
        if self._on_installed is not None:
            self._on_installed(pack)

    def verify(self, data: bytes) -> None:
        """The guidance installer's signature seam: only the pack being installed.

        Raises:
            ContentError: ``unsigned`` for bytes that did not come from the hub.
        """
        expected = self._expected
        if expected is None or hashlib.sha256(data).digest() != expected:
            raise ContentError("unsigned")

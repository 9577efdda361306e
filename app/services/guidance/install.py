"""Installed content packs: which one is in use, and installing a newer one safely.

Layout under the ``packs_dir`` the app passes in::

    packs_dir/
      current              one line: the name of the pack directory in use
      pack-000007/         pack.toml, picker.toml, <language>/language.toml,
                           <language>/cards/*.md
      .incoming-<random>/  a pack being written (removed on failure)

An install reads the candidate into memory, checks the signature seam, checks the
whole pack, refuses a version that is not newer than the one in use, writes it to
``.incoming-*``, re-reads it from disk, renames it to ``pack-<version>`` and only
then replaces ``current`` with an atomic ``os.replace``. Until that last step the
previous pack stays in use; afterwards older pack directories are removed.

If the installed pack is missing or damaged on disk, the pack bundled with the app
is used instead, and so is a bundled pack newer than the installed one.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
from collections.abc import Callable
from pathlib import Path

from app.errors import ContentError
from app.services.guidance.pack import Pack, load_pack, load_pack_files
from app.services.guidance.packfiles import (
    PackFiles,
    build_archive,
    read_archive,
    read_dir,
    write_dir,
)

__all__ = ["PackInstaller", "Verifier"]

Verifier = Callable[[bytes], None]
"""Checks a pack archive's signature; raises ContentError to refuse it.

It receives the exact archive bytes (for a directory candidate, the reproducible
archive :func:`build_archive` makes of it). The hub and sync work supply one that
checks the hub's Ed25519 signature; ``None`` means unsigned packs are accepted,
which only tests and developer tools should choose.
"""

CURRENT = "current"
_PACK_DIR = re.compile(r"^pack-\d{6,}$")
_INCOMING = ".incoming-"


class PackInstaller:
    """Chooses the pack in use and installs newer ones under ``packs_dir``."""

    def __init__(
        self, packs_dir: Path, *, bundled: Path, verify: Verifier | None
    ) -> None:
        """Set up the installer.

        Args:
            packs_dir: a private directory the app owns; created when missing.
            bundled: the pack directory shipped inside the app.
            verify: the signature check run on every candidate before anything else
                (see :data:`Verifier`); ``None`` skips it.
        """
        self._dir = packs_dir
        self._bundled = bundled
        self._verify = verify
        self.fallback_reason: str | None = None

    def active(self) -> Pack:
        """Return the pack in use: the installed one, else the bundled one.

        ``fallback_reason`` is set to a ContentError reason when an installed pack
        exists but could not be used (and is ``None`` otherwise).

        Raises:
            ContentError: the bundled pack itself is broken (a build defect).
        """
        bundled = load_pack(self._bundled)
        self.fallback_reason = None
        name = self._current_name()
        if name is None:
            return bundled
        try:
            installed = load_pack(self._dir / name)
        except ContentError as err:
            self.fallback_reason = err.reason
            return bundled
        if installed.info.version <= bundled.info.version:
            return bundled
        return installed

    def install(self, source: Path | bytes) -> Pack:
        """Check ``source`` fully and switch to it when it is newer.

        Args:
            source: a pack directory, the path of a pack archive (``.zip``), or the
                archive's bytes as downloaded.

        Returns:
            The newly installed pack; rebuild the library from it.

        Raises:
            ContentError: the signature check refused it, the pack is broken
                (``reason`` names the first problem), it is another pack
                (``wrong_pack``), it is not newer (``not_newer``), or the disk
                refused it (``install_failed``). The pack in use is unchanged.
        """
        data, files = _candidate(source)
        if self._verify is not None:
            self._verify(data)
        pack = load_pack_files(files)
        current = self.active()
        if pack.info.id != current.info.id:
            raise ContentError("wrong_pack", "pack.toml")
        if pack.info.version <= current.info.version:
            raise ContentError("not_newer", "pack.toml")
        self._switch(pack, files)
        return pack

    def _switch(self, pack: Pack, files: PackFiles) -> None:
        final = self._dir / f"pack-{pack.info.version:06d}"
        incoming = self._dir / f"{_INCOMING}{secrets.token_hex(8)}"
        try:
            self._dir.mkdir(parents=True, exist_ok=True)
            write_dir(incoming, files)
            load_pack(incoming)  # what reached the disk must load too
            if final.exists():  # left by an interrupted install; never in use
                shutil.rmtree(final)
            incoming.rename(final)
            self._point_to(final.name)
        except (OSError, ContentError):
            shutil.rmtree(incoming, ignore_errors=True)
            raise ContentError("install_failed", "packs_dir") from None
        self._tidy(keep=final.name)

    def _point_to(self, name: str) -> None:
        temp = self._dir / f"{CURRENT}.{secrets.token_hex(4)}.tmp"
        with temp.open("w", encoding="ascii") as handle:
            handle.write(name + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, self._dir / CURRENT)
        _fsync_dir(self._dir)

    def _current_name(self) -> str | None:
        try:
            name = (self._dir / CURRENT).read_text(encoding="ascii").strip()
        except (OSError, UnicodeDecodeError):
            return None
        return name if _PACK_DIR.match(name) else None

    def _tidy(self, *, keep: str) -> None:
        # Best effort: a leftover directory costs disk space, never correctness.
        for path in self._dir.iterdir():
            stale = _PACK_DIR.match(path.name) or path.name.startswith(_INCOMING)
            if stale and path.name != keep and path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            elif path.name.startswith(f"{CURRENT}.") and path.name.endswith(".tmp"):
                path.unlink(missing_ok=True)


def _candidate(source: Path | bytes) -> tuple[bytes, PackFiles]:
    if isinstance(source, bytes):
        return source, read_archive(source)
    if source.is_dir():
        files = read_dir(source)
        return build_archive(files), files
    try:
        data = source.read_bytes()
    except OSError:
        raise ContentError("pack_unreadable", source.name) from None
    return data, read_archive(data)


def _fsync_dir(path: Path) -> None:
    # Makes the rename durable on POSIX; some platforms cannot open a directory.
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)

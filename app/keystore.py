"""Device secrets in the phone's secure hardware, through ``flet-secure-storage``.

On Android, ``flet-secure-storage`` 1.0.5 (``flutter_secure_storage`` 10.3.1) seals
each value with an AES key that an RSA key in the Android Keystore wraps; the
Keystore key cannot be copied off the phone. On iOS values are Keychain items.
This class gives them the :class:`app.store.SecretStore` interface.

The Flet service is asynchronous and lives in the phone's client, so:

* :meth:`KeystoreSecrets.attach` must be awaited once in the app's ``main(page)``
  (the phone has one page). It loads every entry into memory; until then every
  call raises :class:`~app.errors.SecureStorageError`.
* ``get`` answers from memory (it works on the UI thread, and while the vault is
  locked). ``put``, ``delete`` and ``clear`` write through and wait for the phone
  to confirm, so they must run off the UI event loop, as every vault call that
  changes keys already does.

Options chosen: Android ``reset_on_error=False`` (a Keystore error is reported as
lost key material instead of silently emptying the store), iOS/macOS
``UNLOCKED_THIS_DEVICE`` and not synchronizable (never in iCloud, never restored to
another phone). What only a device can prove (that the Keystore key is
hardware-backed on a given model, that a deleted entry cannot be recovered) is
listed in ``docs/security.md``.
"""

from __future__ import annotations

import asyncio
import base64
import binascii
import threading
from collections.abc import Collection, Coroutine
from typing import Any

from app.errors import SecureStorageError
from app.store import Protection, secret_id

__all__ = ["KeystoreSecrets"]

_MAX = 256


class KeystoreSecrets:
    """A :class:`~app.store.SecretStore` over the phone's Keystore/Keychain."""

    def __init__(self, *, timeout_s: float = 10.0) -> None:
        self._timeout_s = timeout_s
        self._lock = threading.Lock()
        self._cache: dict[str, bytes] | None = None
        self._service: Any = None
        self._loop: asyncio.AbstractEventLoop | None = None

    async def attach(self, page: Any) -> None:
        """Bind to ``page``'s secure-storage service and load every entry.

        Raises:
            SecureStorageError: if the phone does not answer.
        """
        import flet_secure_storage as fss

        service = fss.SecureStorage(
            android_options=fss.AndroidOptions(reset_on_error=False),
            ios_options=fss.IOSOptions(
                accessibility=fss.KeychainAccessibility.UNLOCKED_THIS_DEVICE,
                synchronizable=False,
            ),
            macos_options=fss.MacOsOptions(
                accessibility=fss.KeychainAccessibility.UNLOCKED_THIS_DEVICE,
                synchronizable=False,
            ),
        )
        try:
            entries = await asyncio.wait_for(service.get_all(), self._timeout_s)
        except Exception as exc:  # the platform error text may name a key
            raise SecureStorageError("unavailable") from _plain(exc)
        cache: dict[str, bytes] = {}
        for key, value in (entries or {}).items():
            decoded = _decode(value)
            if decoded is not None:
                cache[str(key)] = decoded
        with self._lock:
            self._service, self._loop, self._cache = service, page.loop, cache
        self._page = page  # Flet drops services nothing refers to

    # -- the SecretStore interface ------------------------------------------------

    def get(self, name: str) -> bytes | None:
        """The secret, from memory.

        Raises:
            SecureStorageError: before :meth:`attach`.
        """
        key = secret_id(name)
        with self._lock:
            if self._cache is None:
                raise SecureStorageError("unavailable")
            return self._cache.get(key)

    def put(self, name: str, value: bytes) -> None:
        """Store ``value`` and wait until the phone has it.

        Raises:
            ValueError: bad name or value.
            SecureStorageError: not attached, called on the UI loop, or refused.
        """
        key = secret_id(name)
        if not isinstance(value, bytes) or not 1 <= len(value) <= _MAX:
            raise ValueError("a secret is 1 to 256 bytes")
        encoded = base64.b64encode(value).decode("ascii")
        self._call(lambda s: s.set(key, encoded))
        with self._lock:
            assert self._cache is not None
            self._cache[key] = bytes(value)

    def delete(self, name: str) -> None:
        """Remove ``name`` from the Keystore/Keychain.

        Raises:
            SecureStorageError: not attached, called on the UI loop, or refused.
        """
        key = secret_id(name)
        self._call(lambda s: s.remove(key))
        with self._lock:
            assert self._cache is not None
            self._cache.pop(key, None)

    def clear(self, *, keep: Collection[str] = ()) -> None:
        """Remove every entry except those named in ``keep``.

        Raises:
            SecureStorageError: not attached, called on the UI loop, or refused.
        """
        kept = {secret_id(n) for n in keep}
        with self._lock:
            doomed = [k for k in (self._cache or {}) if k not in kept]
        for key in doomed:
            self._call(lambda s, k=key: s.remove(k))
            with self._lock:
                assert self._cache is not None
                self._cache.pop(key, None)

    def protection(self) -> Protection:
        """Hardware-backed: this class only exists in phone builds."""
        return Protection.HARDWARE

    # -- plumbing -----------------------------------------------------------------

    def _call(self, make: Any) -> None:
        with self._lock:
            service, loop = self._service, self._loop
        if service is None or loop is None:
            raise SecureStorageError("unavailable")
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is loop:  # waiting here would stop the loop that must answer
            raise SecureStorageError("unavailable")
        coroutine: Coroutine[Any, Any, Any] = make(service)
        future = asyncio.run_coroutine_threadsafe(coroutine, loop)
        try:
            future.result(timeout=self._timeout_s)
        except Exception as exc:
            future.cancel()
            raise SecureStorageError("unavailable") from _plain(exc)


def _decode(value: Any) -> bytes | None:
    if not isinstance(value, str):
        return None
    try:
        decoded = base64.b64decode(value.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        return None
    return decoded if 1 <= len(decoded) <= _MAX else None


def _plain(exc: BaseException) -> Exception:
    # Only the class name travels on: platform messages may quote keys or values.
    return RuntimeError(type(exc).__name__)

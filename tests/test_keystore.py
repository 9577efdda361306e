"""The phone's secret store, driven through Flet's real service calls.

The phone is played by a fake client that answers ``flet-secure-storage``'s
methods from a dict, as ``flutter_secure_storage`` would; what only a device can
prove (hardware backing, erasure) is in docs/security.md.
"""

from __future__ import annotations

import asyncio
import base64
from typing import Any

import msgpack
import pytest
from flet.controls.context import _context_page
from flet.messaging.protocol import MessageAction
from flet.messaging.session import Session

from app.errors import SecureStorageError
from app.keystore import KeystoreSecrets
from app.store import Protection, Vault, secret_id
from bench._inproc import ENCODE, FakeClient
from tests.conftest import FAST_KDF, PASSPHRASE

METHODS = {"set", "get", "get_all", "remove", "clear", "contains_key"}


class PhoneClient(FakeClient):
    """Answers the secure-storage service as a phone's Keystore would."""

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[str, str] = {}
        self.calls: list[str] = []
        self.options: dict[str, Any] = {}
        self.fail = False

    def send_message(self, message: Any) -> None:
        body = message.body
        if message.action != MessageAction.INVOKE_METHOD or body.name not in METHODS:
            super().send_message(message)
            return
        msgpack.packb([message.action, body], default=ENCODE)
        self.calls.append(body.name)
        args = body.args or {}
        result: Any = None
        if body.name == "set":
            self.entries[args["key"]] = args["value"]
        elif body.name == "get":
            result = self.entries.get(args["key"])
        elif body.name == "get_all":
            result = dict(self.entries)
        elif body.name == "remove":
            self.entries.pop(args["key"], None)
        error = "PlatformException(key alias gone)" if self.fail else None
        assert self.session is not None
        asyncio.get_running_loop().call_soon(
            self.session.handle_invoke_method_results,
            body.control_id,
            body.call_id,
            None if error else result,
            error,
        )


@pytest.fixture
async def phone() -> PhoneClient:
    client = PhoneClient()
    client.loop = asyncio.get_running_loop()
    session = Session(client)
    client.session = session
    session.apply_page_patch({"route": "/", "platform": "android"})
    msgpack.packb(session.get_page_patch(), default=ENCODE)  # the page goes out
    return client


def page_of(client: PhoneClient) -> Any:
    """The phone's page, made current (a context set in a fixture is lost)."""
    assert client.session is not None
    _context_page.set(client.session.page)
    return client.session.page


async def test_attach_loads_what_the_phone_holds_and_puts_go_through(
    phone: PhoneClient,
) -> None:
    phone.entries[secret_id("sync.signing")] = base64.b64encode(b"s" * 32).decode()
    keys = KeystoreSecrets(timeout_s=5)
    with pytest.raises(SecureStorageError):
        keys.get("sync.signing")  # not attached yet

    await keys.attach(page_of(phone))

    assert keys.get("sync.signing") == b"s" * 32
    assert keys.protection() is Protection.HARDWARE
    await asyncio.to_thread(keys.put, "vault.p0", b"p" * 32)
    assert phone.entries[secret_id("vault.p0")] == base64.b64encode(b"p" * 32).decode()
    await asyncio.to_thread(keys.clear, keep=["vault.p0"])
    assert list(phone.entries) == [secret_id("vault.p0")]
    await asyncio.to_thread(keys.delete, "vault.p0")
    assert phone.entries == {}
    assert "sync.signing" not in str(phone.messages)  # only hashed names travel


async def test_writes_on_the_ui_loop_are_refused_not_deadlocked(
    phone: PhoneClient,
) -> None:
    keys = KeystoreSecrets(timeout_s=5)
    await keys.attach(page_of(phone))
    with pytest.raises(SecureStorageError):
        keys.put("vault.p0", b"p" * 32)
    assert keys.get("vault.p0") is None


async def test_a_platform_error_is_reported_without_its_text(
    phone: PhoneClient,
) -> None:
    keys = KeystoreSecrets(timeout_s=5)
    await keys.attach(page_of(phone))
    phone.fail = True
    with pytest.raises(SecureStorageError) as caught:
        await asyncio.to_thread(keys.put, "vault.p0", b"p" * 32)
    assert "alias" not in repr(caught.value.__cause__)
    assert keys.get("vault.p0") is None


async def test_a_vault_runs_on_the_phone_store(phone: PhoneClient, tmp_path) -> None:
    keys = KeystoreSecrets(timeout_s=5)
    await keys.attach(page_of(phone))
    vault = Vault(tmp_path / "vault", secrets=keys, kdf=FAST_KDF)

    def life() -> None:
        vault.create(PASSPHRASE).close()
        vault.change_passphrase(old=PASSPHRASE, new="another passphrase")
        vault.unlock("another passphrase").close()

    await asyncio.to_thread(life)
    assert len(phone.entries) == 2  # the two peppers, nothing in any file
    assert not list(tmp_path.rglob("s.bin"))

"""Fuzzing the parsers that take bytes from the network: the hub's sync request
decoder and push checker, the enrollment request, and the device's sealed
batch opener. Each answers with its typed error, never a crash or a hang."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import msgpack
import pytest
import zstandard
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from app.store import Store
from app.sync.apply import apply_sealed
from app.sync.identity import Identity
from hub.auth import DeviceKeys
from hub.errors import HubError
from hub.push import check_push
from hub.service import Hub, now_ms
from models.keys import box_public, new_key, pad, seal, sign, signing_public
from models.wire import (
    CERT_CONTEXT,
    Certificate,
    EnrollRequest,
    Push,
    SealedItem,
    SealedPage,
    encode,
    seal_aad,
    seal_message,
    sign_model,
)
from tests.hub.support import new_vault

FUZZ = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

# msgpack-able values, nested a little: what a hostile client can encode.
_leaf = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    | st.floats(allow_nan=True)
    | st.text(max_size=40)
    | st.binary(max_size=64)
)
values = st.recursive(
    _leaf,
    lambda inner: (
        st.lists(inner, max_size=6)
        | st.dictionaries(st.text(max_size=10), inner, max_size=6)
    ),
    max_leaves=30,
)
# Shapes close to a real request, so the fuzzer gets past the first check.
requests = st.fixed_dictionaries(
    {},
    optional={
        "v": st.integers(min_value=-2, max_value=3) | values,
        "push": st.fixed_dictionaries(
            {"seq": st.integers(min_value=-1, max_value=5) | values},
            optional={
                "batch": st.binary(max_size=200) | values,
                "off": st.integers(min_value=-1, max_value=300),
                "total": st.integers(min_value=-1, max_value=300),
                "digest": st.binary(min_size=31, max_size=33),
            },
        )
        | values,
        "pull": st.dictionaries(
            st.sampled_from(["registry", "sealed", "packs", "x"]) | st.text(max_size=8),
            st.integers(min_value=-1, max_value=10**12) | values,
            max_size=9,
        )
        | values,
        "max": st.integers(min_value=-1, max_value=2**33) | values,
    },
)


def _is_4xx(exc: HubError) -> bool:
    return 400 <= exc.status < 500


@pytest.fixture(scope="module")
def fuzz_hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """One SQLite hub for the decoder and enrollment fuzzing."""
    from tests.hub.support import make_hub

    folder = tmp_path_factory.mktemp("fuzz")
    made = make_hub(f"sqlite:///{folder / 'hub.db'}")
    yield made
    made.close()


@FUZZ
@given(body=st.binary(max_size=512) | requests.map(encode) | values.map(encode))
def test_the_sync_request_decoder_refuses_with_a_4xx_only(
    fuzz_hub: Hub, body: bytes
) -> None:
    try:
        fuzz_hub._parse(body)
    except HubError as exc:
        assert _is_4xx(exc)


_DEVICE = DeviceKeys(uuid.uuid4().hex, "field", signing_public(new_key()), "north")
_COMMAND_PUB = signing_public(new_key())
_batches = st.fixed_dictionaries(
    {},
    optional={
        "device": st.just(_DEVICE.id) | values,
        "seq": st.just(1) | values,
        "ctx": st.integers(min_value=-1, max_value=10) | values,
        "ops": st.lists(
            st.tuples(
                st.integers(min_value=-1, max_value=5) | values,
                st.sampled_from(["actor", "place", "follow_up", "contact", "x"]),
                st.binary(min_size=15, max_size=17) | values,
                st.sampled_from(["name", "+alias", "-alias", "area", "notes", "x"]),
                values,
                st.text(max_size=40) | values,
            ).map(list)
            | values,
            max_size=5,
        )
        | values,
        "sealed": st.fixed_dictionaries(
            {"ct": st.binary(max_size=64), "sig": st.binary(min_size=63, max_size=65)}
        )
        | values,
    },
)


@FUZZ
@given(
    batch=st.binary(max_size=256)
    | _batches.map(lambda b: msgpack.packb(b, use_bin_type=True))
)
def test_the_push_checker_refuses_with_a_4xx_or_per_op_codes(batch: bytes) -> None:
    try:
        checked = check_push(
            Push(seq=1, batch=batch),
            _DEVICE,
            now_ms=now_ms(),
            max_future_ms=600_000,
            command_key=_COMMAND_PUB,
        )
    except HubError as exc:
        assert _is_4xx(exc)
        return
    assert all(isinstance(code, str) for _, code in checked.rejects)


_b64ish = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=",
    max_size=130,
)


@FUZZ
@given(
    raw=st.fixed_dictionaries(
        {
            "code": st.text(max_size=70),
            "ed25519": _b64ish,
            "x25519": _b64ish,
            "signature": _b64ish,
            "proof": _b64ish,
        }
    )
    | values
)
def test_an_enrollment_request_is_refused_with_a_typed_error(
    fuzz_hub: Hub, raw: Any
) -> None:
    try:
        req = EnrollRequest.model_validate(raw)
    except ValidationError:
        return
    try:
        fuzz_hub.enroll(req)
    except HubError as exc:
        assert exc.status in (400, 403)
    else:
        pytest.fail("a made-up enrollment was accepted")


class _Sealer:
    """A real org's keys and one enrolled device, to seal fuzzed plaintexts."""

    def __init__(self) -> None:
        self.command = new_key()
        self.records = new_key()
        self.device_key = new_key()
        self.device = uuid.uuid4().hex
        cert = Certificate(
            device=self.device,
            team="north",
            role="field",
            ed=signing_public(self.device_key),
            x=box_public(new_key()),
            issued=0,
            not_after=2**62,
        )
        self.cert = sign_model(self.command, cert, context=CERT_CONTEXT)

    def item(self, plain: bytes, seq: int = 1) -> SealedItem:
        ct = seal(box_public(self.records), plain, aad=seal_aad(self.device, seq))
        sig = sign(self.device_key, seal_message(self.device, seq, ct, []))
        return SealedItem(
            seq=seq, device=self.device, batch=seq, ct=ct, sig=sig, cert=self.cert
        )

    def identity(self) -> Identity:
        return Identity(
            device=uuid.uuid4().hex,
            team="hq",
            role="coordinator",
            base_url="http://127.0.0.1:1",
            ed=new_key(),
            x=new_key(),
            cert=b"",
            command_key=signing_public(self.command),
            publish_key=b"",
            records_key=box_public(self.records),
        )


@pytest.fixture(scope="module")
def opener(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, _Sealer]]:
    """A coordinator's vault and a sealer whose batches it can open."""
    _vault, store = new_vault(Path(tmp_path_factory.mktemp("vault")))
    yield store, _Sealer()
    store.close()


def _zstd(data: bytes) -> bytes:
    return zstandard.ZstdCompressor().compress(data)


_plaintexts = (
    st.binary(max_size=300)
    | st.binary(max_size=300).map(pad)
    | values.map(lambda v: pad(_zstd(msgpack.packb(v, use_bin_type=True))))
    | st.lists(
        st.tuples(
            st.sampled_from(["contact", "checkpoint", "actor", "x"]),
            st.binary(max_size=80) | st.just(b'{"on": "2024-05-01"}'),
        ).map(list),
        max_size=4,
    ).map(lambda v: pad(_zstd(msgpack.packb(v, use_bin_type=True))))
)


@FUZZ
@given(plain=_plaintexts, tamper=st.booleans())
def test_the_sealed_batch_opener_counts_a_bad_batch_and_never_raises(
    opener: tuple[Store, _Sealer], plain: bytes, tamper: bool
) -> None:
    store, sealer = opener
    item = sealer.item(plain)
    if tamper:
        item = item.model_copy(update={"ct": item.ct[:-1] + bytes([item.ct[-1] ^ 1])})
    page = SealedPage(items=[item], cursor=1)
    applied = apply_sealed(store, page, sealer.identity(), sealer.records)
    assert applied.unreadable in (0, 1)
    assert not tamper or applied.unreadable == 1

"""Shared primitives: seals, signatures, key proofs, padding, wrapping, body codec."""

from __future__ import annotations

import pytest
import zstandard

from app.sync import parse_enroll_text
from models.keys import (
    CryptoError,
    WrapParams,
    box_public,
    dh_proof,
    new_key,
    open_sealed,
    pad,
    seal,
    sign,
    signing_public,
    unpad,
    unwrap_secret,
    verify,
    verify_dh_proof,
    wrap_secret,
)
from models.wire import (
    AuthFields,
    WireError,
    auth_header,
    decode,
    encode,
    parse_auth,
)

FAST = WrapParams(memory_kib=8 * 1024, iterations=1)


def test_sealed_box_opens_only_with_the_recipient_key_and_the_same_context() -> None:
    key = new_key()
    box = seal(box_public(key), b"contact notes", aad=b"batch 1")
    assert open_sealed(key, box, aad=b"batch 1") == b"contact notes"
    with pytest.raises(CryptoError):
        open_sealed(new_key(), box, aad=b"batch 1")
    with pytest.raises(CryptoError):
        open_sealed(key, box, aad=b"batch 2")
    with pytest.raises(CryptoError):
        open_sealed(key, box[:-1] + bytes([box[-1] ^ 1]), aad=b"batch 1")


def test_two_seals_of_the_same_text_differ() -> None:
    pub = box_public(new_key())
    assert seal(pub, b"same", aad=b"") != seal(pub, b"same", aad=b"")


def test_signature_verifies_only_for_its_key_and_message() -> None:
    key = new_key()
    sig = sign(key, b"message")
    verify(signing_public(key), sig, b"message")
    with pytest.raises(CryptoError):
        verify(signing_public(key), sig, b"other message")
    with pytest.raises(CryptoError):
        verify(signing_public(new_key()), sig, b"message")
    with pytest.raises(CryptoError):
        verify(b"short", sig, b"message")


def test_dh_proof_shows_possession_of_the_x25519_key() -> None:
    device, hub = new_key(), new_key()
    proof = dh_proof(device, box_public(hub), b"transcript")
    verify_dh_proof(hub, box_public(device), b"transcript", proof)
    with pytest.raises(CryptoError):
        verify_dh_proof(hub, box_public(new_key()), b"transcript", proof)
    with pytest.raises(CryptoError):
        verify_dh_proof(hub, box_public(device), b"other", proof)


@pytest.mark.parametrize("size", [0, 1, 100, 1000, 30_000])
def test_padding_round_trips_and_hides_the_exact_size(size: int) -> None:
    data = bytes(range(256)) * (size // 256) + bytes(size % 256)
    padded = pad(data)
    assert unpad(padded) == data
    assert len(padded) - len(data) <= max(8, len(data) // 8)


def test_padding_puts_nearby_sizes_in_the_same_bucket() -> None:
    assert len(pad(bytes(30_000))) == len(pad(bytes(29_800)))


def test_wrapped_secret_needs_the_passphrase() -> None:
    blob = wrap_secret(b"k" * 32, "organisation passphrase", params=FAST)
    assert unwrap_secret(blob, "organisation passphrase") == b"k" * 32
    with pytest.raises(CryptoError):
        unwrap_secret(blob, "wrong passphrase")
    with pytest.raises(CryptoError):
        unwrap_secret(b"garbage", "organisation passphrase")


def test_body_codec_round_trips_and_refuses_bombs_and_junk() -> None:
    assert decode(encode({"v": 1, "b": b"\x00\x01"})) == {"v": 1, "b": b"\x00\x01"}
    bomb = zstandard.ZstdCompressor().compress(b"\x00" * 100_000)
    with pytest.raises(WireError, match="too_large"):
        decode(bomb, limit=10_000)
    with pytest.raises(WireError, match="malformed"):
        decode(b"not zstd")


def test_auth_header_round_trips() -> None:
    fields = AuthFields(
        device="ab" * 16, ts=1_700_000_000_000, nonce="n" * 16, sig=b"s" * 64
    )
    assert parse_auth(auth_header(fields)) == fields
    with pytest.raises(WireError, match="unsigned"):
        parse_auth(None)
    with pytest.raises(WireError, match="malformed"):
        parse_auth("Parley a.b.c")


@pytest.mark.parametrize(
    ("text", "hub", "code"),
    [
        ("abcd-efgh ijkl", None, "ABCDEFGHIJKL"),
        (
            "parley://enroll?hub=http%3A%2F%2F10.0.0.2%3A8660&code=WXYZ-1234",
            "http://10.0.0.2:8660",
            "WXYZ1234",
        ),
    ],
)
def test_enroll_text_accepts_a_code_or_the_qr_text(
    text: str, hub: str | None, code: str
) -> None:
    assert parse_enroll_text(text) == (hub, code)

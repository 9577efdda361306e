"""Signing, sealing and key wrapping shared by phone and hub (cryptography >= 43).

Everything here is a pure function over raw 32-byte keys. No HPKE module: the
seal is built from X25519 + HKDF-SHA256 + ChaCha20-Poly1305, which cryptography
43 (the version on Flet's mobile index) already has.

Sealed box: ``eph_pub(32) ‖ ChaCha20-Poly1305(key, nonce=0, plaintext, aad)``
with ``key = HKDF(X25519(eph, recipient), salt=eph_pub ‖ recipient_pub,
info=SEAL_INFO)``. The key is used once, so a zero nonce is safe.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct

import msgpack
from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.asymmetric.x25519 import (
    X25519PrivateKey,
    X25519PublicKey,
)
from cryptography.hazmat.primitives.ciphers.aead import AESGCM, ChaCha20Poly1305
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

__all__ = [
    "CryptoError",
    "WrapParams",
    "box_public",
    "dh_proof",
    "fingerprint",
    "new_key",
    "open_sealed",
    "pad",
    "seal",
    "sign",
    "signing_public",
    "unpad",
    "unwrap_secret",
    "verify",
    "verify_dh_proof",
    "wrap_secret",
]

SEAL_INFO = b"parley/seal/v1"
PROOF_INFO = b"parley/enroll-proof/v1"
WRAP_AAD = b"parley/wrap/v1"
KEY_SIZE = 32
_ZERO_NONCE = bytes(12)
_LEN = struct.Struct(">I")


class CryptoError(ValueError):
    """A signature, seal or wrapped key failed to verify. Carries no key material."""


def new_key() -> bytes:
    """Return 32 random bytes: a raw Ed25519 or X25519 private key."""
    return os.urandom(KEY_SIZE)


def _hkdf(secret: bytes, *, salt: bytes, info: bytes) -> bytes:
    kdf = HKDF(algorithm=hashes.SHA256(), length=KEY_SIZE, salt=salt, info=info)
    return kdf.derive(secret)


# -- Ed25519 ------------------------------------------------------------------------


def signing_public(private: bytes) -> bytes:
    """Return the raw Ed25519 public key for a raw private key."""
    return Ed25519PrivateKey.from_private_bytes(private).public_key().public_bytes_raw()


def sign(private: bytes, message: bytes) -> bytes:
    """Return the 64-byte Ed25519 signature of ``message``."""
    return Ed25519PrivateKey.from_private_bytes(private).sign(message)


def verify(public: bytes, signature: bytes, message: bytes) -> None:
    """Check an Ed25519 signature.

    Raises:
        CryptoError: if the key or signature is malformed or does not match.
    """
    try:
        Ed25519PublicKey.from_public_bytes(public).verify(signature, message)
    except (InvalidSignature, ValueError, TypeError):
        raise CryptoError("signature") from None


def fingerprint(public: bytes) -> str:
    """Return a short, stable name for a public key (SHA-256, 16 bytes hex)."""
    return hashlib.sha256(public).hexdigest()[:32]


# -- X25519 sealing ----------------------------------------------------------------


def box_public(private: bytes) -> bytes:
    """Return the raw X25519 public key for a raw private key."""
    return X25519PrivateKey.from_private_bytes(private).public_key().public_bytes_raw()


def _shared(private: bytes, public: bytes) -> bytes:
    try:
        peer = X25519PublicKey.from_public_bytes(public)
        return X25519PrivateKey.from_private_bytes(private).exchange(peer)
    except ValueError:
        raise CryptoError("key") from None


def seal(recipient: bytes, plaintext: bytes, *, aad: bytes) -> bytes:
    """Encrypt ``plaintext`` for the holder of ``recipient``'s private key."""
    eph = new_key()
    eph_pub = box_public(eph)
    key = _hkdf(_shared(eph, recipient), salt=eph_pub + recipient, info=SEAL_INFO)
    return eph_pub + ChaCha20Poly1305(key).encrypt(_ZERO_NONCE, plaintext, aad)


def open_sealed(private: bytes, sealed: bytes, *, aad: bytes) -> bytes:
    """Decrypt what :func:`seal` made for ``private``'s public key.

    Raises:
        CryptoError: if the box is damaged, forged, or sealed to another key.
    """
    if len(sealed) < KEY_SIZE + 16:
        raise CryptoError("seal")
    eph_pub, body = sealed[:KEY_SIZE], sealed[KEY_SIZE:]
    key = _hkdf(
        _shared(private, eph_pub), salt=eph_pub + box_public(private), info=SEAL_INFO
    )
    try:
        return ChaCha20Poly1305(key).decrypt(_ZERO_NONCE, body, aad)
    except InvalidTag:
        raise CryptoError("seal") from None


def dh_proof(private: bytes, peer: bytes, transcript: bytes) -> bytes:
    """Prove possession of an X25519 key to ``peer``: an HMAC keyed by the DH secret."""
    key = _hkdf(
        _shared(private, peer),
        salt=hashlib.sha256(transcript).digest(),
        info=PROOF_INFO,
    )
    return hmac.new(key, transcript, hashlib.sha256).digest()


def verify_dh_proof(
    private: bytes, peer: bytes, transcript: bytes, proof: bytes
) -> None:
    """Check a :func:`dh_proof` from the holder of ``peer``'s private key.

    Raises:
        CryptoError: if the proof does not match.
    """
    if not hmac.compare_digest(dh_proof(private, peer, transcript), proof):
        raise CryptoError("proof")


# -- padding -----------------------------------------------------------------------


def _padme(length: int) -> int:
    """PADME: round up so at most O(log log n) bits of the length leak."""
    if length < 2:
        return length
    e = length.bit_length() - 1
    s = e.bit_length()
    mask = (1 << (e - s)) - 1
    return (length + mask) & ~mask


def pad(data: bytes) -> bytes:
    """Length-prefix ``data`` and pad it to its PADME size."""
    total = _LEN.size + len(data)
    return _LEN.pack(len(data)) + data + bytes(_padme(total) - total)


def unpad(padded: bytes) -> bytes:
    """Undo :func:`pad`.

    Raises:
        CryptoError: if the length prefix does not fit.
    """
    if len(padded) < _LEN.size:
        raise CryptoError("padding")
    (length,) = _LEN.unpack_from(padded)
    if length > len(padded) - _LEN.size:
        raise CryptoError("padding")
    return padded[_LEN.size : _LEN.size + length]


# -- passphrase wrapping -----------------------------------------------------------


class WrapParams:
    """Argon2id costs for wrapping a key under a passphrase."""

    def __init__(self, memory_kib: int = 64 * 1024, iterations: int = 3) -> None:
        self.memory_kib = memory_kib
        self.iterations = iterations


def _stretch(passphrase: str, salt: bytes, memory_kib: int, iterations: int) -> bytes:
    return hash_secret_raw(
        secret=passphrase.encode("utf-8"),
        salt=salt,
        time_cost=iterations,
        memory_cost=memory_kib,
        parallelism=1,
        hash_len=KEY_SIZE,
        type=Type.ID,
    )


def wrap_secret(
    secret: bytes, passphrase: str, *, params: WrapParams | None = None
) -> bytes:
    """Encrypt ``secret`` under a passphrase (Argon2id, then AES-256-GCM).

    The blob carries its own costs and salt: ``msgpack([1, m, t, salt, nonce, ct])``.
    """
    p = params or WrapParams()
    salt, nonce = os.urandom(16), os.urandom(12)
    key = _stretch(passphrase, salt, p.memory_kib, p.iterations)
    body = AESGCM(key).encrypt(nonce, secret, WRAP_AAD)
    out: bytes = msgpack.packb([1, p.memory_kib, p.iterations, salt, nonce, body])
    return out


def unwrap_secret(blob: bytes, passphrase: str) -> bytes:
    """Recover what :func:`wrap_secret` wrapped.

    Raises:
        CryptoError: if the passphrase is wrong or the blob is damaged.
    """
    try:
        version, memory, iterations, salt, nonce, body = msgpack.unpackb(blob)
    except (ValueError, TypeError, msgpack.UnpackException):
        raise CryptoError("wrapped") from None
    if version != 1 or not (8 <= memory <= 4 * 1024 * 1024 and 1 <= iterations <= 64):
        raise CryptoError("wrapped")
    key = _stretch(passphrase, salt, memory, iterations)
    try:
        return AESGCM(key).decrypt(nonce, body, WRAP_AAD)
    except (InvalidTag, ValueError):
        raise CryptoError("wrapped") from None

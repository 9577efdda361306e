"""Envelopes: sealed once per recipient device, bound to their context, signed."""

from __future__ import annotations

import msgpack
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.envelope import (
    ORG_RECIPIENT,
    Author,
    Recipient,
    envelope_author,
    open_envelope,
    record_context,
    seal_envelope,
    team_recipients,
)
from models.keys import CryptoError, box_public, new_key, signing_public
from models.wire import (
    CERT_CONTEXT,
    Certificate,
    Signed,
    WireError,
    pack_signed,
    sign_model,
    unpack_signed,
    verified_certificates,
)

COMMAND = new_key()
COMMAND_PUB = signing_public(COMMAND)
CONTEXT = record_context("follow_up", "ab" * 16, "sealed")
NOW = 1_800_000_000_000


class Dev:
    """A device's keys and its certificate, signed by ``command``."""

    def __init__(
        self, name: str, team: str = "north", role: str = "field", command=COMMAND
    ) -> None:
        self.id, self.ed, self.x = name, new_key(), new_key()
        self.signed = sign_model(
            command,
            Certificate(
                device=name,
                team=team,
                role=role,
                ed=signing_public(self.ed),
                x=box_public(self.x),
                issued=NOW - 1000,
                not_after=NOW + 1000,
            ),
            context=CERT_CONTEXT,
        )

    @property
    def author(self) -> Author:
        return Author(self.id, self.ed, pack_signed(self.signed))

    @property
    def recipient(self) -> Recipient:
        return Recipient(self.id, box_public(self.x))

    def open(self, box: bytes, context: bytes = CONTEXT) -> bytes:
        opened = open_envelope(
            box,
            keys={self.id: self.x},
            context=context,
            command_key=signing_public(COMMAND),
        )
        return opened.plaintext


def test_every_recipient_opens_the_envelope_and_no_one_else() -> None:
    a, b, outsider = Dev("a"), Dev("b"), Dev("c")
    box = seal_envelope(
        [a.recipient, b.recipient],
        b"call the commander",
        context=CONTEXT,
        author=a.author,
    )
    assert a.open(box) == b"call the commander"
    assert b.open(box) == b"call the commander"
    with pytest.raises(CryptoError):
        outsider.open(box)
    assert b"call the commander" not in box


def test_envelope_opens_only_in_its_own_context() -> None:
    a = Dev("a")
    box = seal_envelope([a.recipient], b"text", context=CONTEXT, author=a.author)
    other = record_context("follow_up", "cd" * 16, "sealed")
    with pytest.raises(CryptoError):
        a.open(box, other)


def test_open_reports_the_verified_author() -> None:
    a = Dev("a", team="south")
    box = seal_envelope([a.recipient], b"text", context=CONTEXT, author=a.author)
    opened = open_envelope(
        box, keys={"a": a.x}, context=CONTEXT, command_key=signing_public(COMMAND)
    )
    assert (opened.author.device, opened.author.team) == ("a", "south")
    cert = envelope_author(box, context=CONTEXT, command_key=signing_public(COMMAND))
    assert cert.device == "a"


def test_author_certificate_not_signed_by_the_pinned_key_is_refused() -> None:
    rogue = Dev("a", command=new_key())
    box = seal_envelope(
        [rogue.recipient], b"text", context=CONTEXT, author=rogue.author
    )
    with pytest.raises(CryptoError):
        rogue.open(box)


def test_envelope_signed_by_another_device_than_its_certificate_is_refused() -> None:
    a, b = Dev("a"), Dev("b")
    forged = Author("a", b.ed, pack_signed(a.signed))  # a's certificate, b's key
    box = seal_envelope([a.recipient], b"text", context=CONTEXT, author=forged)
    with pytest.raises(CryptoError):
        a.open(box)


def _rewrite(box: bytes, **changes: object) -> bytes:
    signed = unpack_signed(box)
    body = msgpack.unpackb(signed.b, raw=False)
    body.update(changes)
    return pack_signed(Signed(b=msgpack.packb(body, use_bin_type=True), s=signed.s))


def test_tampered_ciphertext_or_recipient_list_is_refused() -> None:
    a, b = Dev("a"), Dev("b")
    box = seal_envelope([a.recipient], b"text", context=CONTEXT, author=a.author)
    body = msgpack.unpackb(unpack_signed(box).b, raw=False)
    flipped = body["ct"][:-1] + bytes([body["ct"][-1] ^ 1])
    with pytest.raises(CryptoError):
        a.open(_rewrite(box, ct=flipped))
    # The hub adding its own wrapped key breaks the author's signature.
    extra = seal_envelope([b.recipient], b"x", context=CONTEXT, author=a.author)
    added = body["to"] + msgpack.unpackb(unpack_signed(extra).b, raw=False)["to"]
    with pytest.raises(CryptoError):
        envelope_author(
            _rewrite(box, to=added),
            context=CONTEXT,
            command_key=signing_public(COMMAND),
        )


def test_garbage_is_a_typed_error() -> None:
    a = Dev("a")
    for junk in (b"", b"\x00" * 40, msgpack.packb({"b": b"x", "s": b"y" * 64})):
        with pytest.raises((CryptoError, WireError)):
            a.open(junk)


def test_org_recipient_opens_with_the_records_key() -> None:
    a, records = Dev("a"), new_key()
    me = a.recipient
    box = seal_envelope(
        team_recipients([], team="north", me=me, records_key=box_public(records)),
        b"text",
        context=CONTEXT,
        author=a.author,
    )
    opened = open_envelope(
        box,
        keys={"someone-else": new_key(), ORG_RECIPIENT: records},
        context=CONTEXT,
        command_key=signing_public(COMMAND),
    )
    assert opened.plaintext == b"text"


def test_team_recipients_are_the_team_the_coordinators_me_and_the_org_key() -> None:
    devs = [
        Dev("n1", "north"),
        Dev("n2", "north"),
        Dev("s1", "south"),
        Dev("c1", "hq", "coordinator"),
    ]
    certs = verified_certificates(
        [d.signed for d in devs], command_key=signing_public(COMMAND), now_ms=NOW
    )
    me = Dev("me", "south").recipient
    chosen = team_recipients(certs, team="north", me=me, records_key=b"k" * 32)
    assert [r.id for r in chosen] == ["me", ORG_RECIPIENT, "n1", "n2", "c1"]


def test_directory_keeps_only_certificates_of_the_pinned_key_still_valid() -> None:
    good, rogue = Dev("good"), Dev("rogue", command=new_key())
    expired = Dev("old")
    later = NOW + 5000  # past every certificate's not_after
    pinned = signing_public(COMMAND)
    found = verified_certificates(
        [good.signed, rogue.signed, expired.signed], command_key=pinned, now_ms=NOW
    )
    assert [c.device for c in found] == ["good", "old"]
    assert verified_certificates([good.signed], command_key=pinned, now_ms=later) == []


_BOX = seal_envelope(
    [Dev("fuzz").recipient], b"fuzzed", context=CONTEXT, author=Dev("fuzz").author
)


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2048))
def test_random_bytes_give_a_typed_error_never_a_crash(junk: bytes) -> None:
    with pytest.raises((CryptoError, WireError)):
        open_envelope(
            junk, keys={"fuzz": new_key()}, context=CONTEXT, command_key=COMMAND_PUB
        )


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=len(_BOX) - 1), st.integers(1, 255))
def test_any_flipped_byte_of_an_envelope_is_refused(at: int, flip: int) -> None:
    damaged = _BOX[:at] + bytes([_BOX[at] ^ flip]) + _BOX[at + 1 :]
    with pytest.raises((CryptoError, WireError)):
        envelope_author(damaged, context=CONTEXT, command_key=COMMAND_PUB)

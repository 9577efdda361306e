"""Cell sealing: padding buckets and place binding."""

from __future__ import annotations

import os

import pytest

from app.errors import RecordUnreadable
from app.store.crypto import Keyring, pad, unpad


@pytest.mark.parametrize(
    ("size", "padded"), [(0, 256), (252, 256), (253, 512), (4092, 4096), (4093, 8192)]
)
def test_plaintext_is_padded_to_its_bucket(size: int, padded: int) -> None:
    data = os.urandom(size)
    assert len(pad(data)) == padded
    assert unpad(pad(data)) == data


@pytest.mark.parametrize(
    "place", [("x", "row1", "b"), ("h", "row2", "b"), ("h", "row1", "c")]
)
def test_sealed_cell_opens_only_in_its_own_place(place: tuple[str, str, str]) -> None:
    keys = Keyring(os.urandom(32))
    blob = keys.seal(b"hello", table="h", row_id="row1", column="b")
    assert keys.open(blob, table="h", row_id="row1", column="b") == b"hello"
    table, row_id, column = place
    with pytest.raises(RecordUnreadable):
        keys.open(blob, table=table, row_id=row_id, column=column)


def test_other_key_cannot_open() -> None:
    blob = Keyring(os.urandom(32)).seal(b"hello", table="h", row_id="r", column="b")
    with pytest.raises(RecordUnreadable):
        Keyring(os.urandom(32)).open(blob, table="h", row_id="r", column="b")


def test_same_plaintext_seals_differently_each_time() -> None:
    keys = Keyring(os.urandom(32))
    one = keys.seal(b"same", table="h", row_id="r", column="b")
    assert one != keys.seal(b"same", table="h", row_id="r", column="b")

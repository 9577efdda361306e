"""The strength hint shown while a passphrase is typed."""

import pytest

from app.services import Strength, strength


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", Strength.EMPTY),
        ("abc", Strength.TOO_SHORT),
        ("password1", Strength.WEAK),
        ("aaaaaaaaaaaa", Strength.WEAK),
        ("Tr4vel-light", Strength.FAIR),
        ("correct horse battery staple", Strength.STRONG),
    ],
)
def test_strength_hint_grades_length_and_variety(text: str, expected: Strength) -> None:
    assert strength(text) == expected

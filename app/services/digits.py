"""Numbers as people type them: Arabic-Indic and Eastern Arabic-Indic digits.

Only input that is parsed (dates, times, counts, coordinates) goes through
:func:`western_digits`; free text is stored exactly as typed.
"""

from __future__ import annotations

__all__ = ["western_digits"]

_TABLE = {
    **{0x0660 + i: str(i) for i in range(10)},  # Arabic-Indic ٠١٢٣٤٥٦٧٨٩
    **{0x06F0 + i: str(i) for i in range(10)},  # Eastern Arabic-Indic ۰۱۲۳۴۵۶۷۸۹
    0x066B: ".",  # Arabic decimal separator ٫
    0x066C: None,  # Arabic thousands separator ٬
    # Direction marks an RTL keyboard or a paste may slip in around digits.
    0x200E: None,
    0x200F: None,
    0x061C: None,
}


def western_digits(text: str) -> str:
    """``text`` with every Arabic digit as 0-9, the Arabic decimal separator as
    ``.``, and Arabic thousands separators and direction marks removed."""
    return text.translate(_TABLE)

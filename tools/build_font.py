"""Build assets/fonts/ParleySans-Regular.ttf: Noto Sans, Noto Sans Arabic, in one file.

Flet registers one file per font family and its theme takes one family, so the
two scripts are merged into one font. Run it with the TTFs of Debian's
``fonts-noto-core`` (20201225-1; ``apt-get download fonts-noto-core`` and
``dpkg-deb -x``, nothing installed)::

    python tools/build_font.py /path/to/usr/share/fonts/truetype/noto

Arrows come from Noto Sans Symbols. All three are under the SIL Open Font
License 1.1 (assets/fonts/OFL.txt); the result is renamed "Parley Sans", as the
licence asks of modified versions.
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.merge import Merger
from fontTools.ttLib import TTFont

OUT = Path(__file__).resolve().parents[1] / "assets" / "fonts"
FAMILY = "Parley Sans"
# Latin, Latin-1, Latin Extended-A (French and names), punctuation, symbols the
# catalogs and guide use; the Arabic font is kept whole (it is the point).
LATIN = [
    (0x0020, 0x007E),
    (0x00A0, 0x017F),
    (0x0192, 0x0192),
    (0x0218, 0x021B),
    (0x02C6, 0x02DD),
    (0x2000, 0x206F),
    (0x20AC, 0x20AC),
    (0x2212, 0x2212),
    (0x2713, 0x2713),
    (0xFEFF, 0xFEFF),
]

ARROWS = [(0x2190, 0x21FF)]


def _subset(path: Path, ranges: list[tuple[int, int]] | None, out: Path) -> Path:
    font = TTFont(path)
    options = subset.Options()
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    options.glyph_names = False
    subsetter = subset.Subsetter(options)
    if ranges is None:
        subsetter.populate(unicodes=font.getBestCmap().keys())
    else:
        subsetter.populate(unicodes=[u for a, b in ranges for u in range(a, b + 1)])
    subsetter.subset(font)
    font.save(out)
    return out


def _rename(font: TTFont, style: str) -> None:
    names = font["name"]
    full = f"{FAMILY} {style}" if style != "Regular" else FAMILY
    postscript = f"ParleySans-{style}"
    for record in list(names.names):
        if record.nameID in (1, 16):
            record.string = FAMILY
        elif record.nameID in (2, 17):
            record.string = style
        elif record.nameID == 3:
            record.string = f"{postscript};Parley"
        elif record.nameID == 4:
            record.string = full
        elif record.nameID == 6:
            record.string = postscript


def build(noto: Path, style: str, tmp: Path) -> Path:
    latin = _subset(noto / f"NotoSans-{style}.ttf", LATIN, tmp / f"latin-{style}.ttf")
    arabic = _subset(
        noto / f"NotoSansArabic-{style}.ttf", None, tmp / f"arabic-{style}.ttf"
    )
    # Noto Sans has no arrows (the catalogs write "Settings → Hub and sync").
    arrows = _subset(
        noto / "NotoSansSymbols-Regular.ttf", ARROWS, tmp / f"arrows-{style}.ttf"
    )
    merged = Merger().merge([str(latin), str(arabic), str(arrows)])
    _rename(merged, style)
    out = OUT / f"ParleySans-{style}.ttf"
    merged.save(out)
    return out


def main() -> None:
    noto = Path(sys.argv[1])
    tmp = OUT / ".build"
    tmp.mkdir(exist_ok=True)
    try:
        for style in ("Regular",):  # Flutter draws bolder weights from it
            out = build(noto, style, tmp)
            print(out, out.stat().st_size)  # noqa: T201
    finally:
        for leftover in tmp.iterdir():
            leftover.unlink()
        tmp.rmdir()


if __name__ == "__main__":
    main()

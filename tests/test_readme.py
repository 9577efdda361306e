"""The README shows on a fresh clone: every picture it names is committed."""

from __future__ import annotations

import re

import pytest

from tests.gitfiles import ROOT, ignore_rules_hitting, is_checkout, tracked

README = ROOT / "README.md"
# Markdown images ![alt](path "title") and HTML <img src="path">.
_MARKDOWN_IMAGE = re.compile(r"!\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)")
_HTML_IMAGE = re.compile(r"<img\s[^>]*?src=[\"']([^\"']+)[\"']", re.IGNORECASE)


def images_named(markdown: str) -> list[str]:
    """Local image paths a Markdown text shows, in order, without duplicates."""
    found = _MARKDOWN_IMAGE.findall(markdown) + _HTML_IMAGE.findall(markdown)
    local = [p for p in found if not re.match(r"^[a-z][a-z0-9+.-]*:", p, re.I)]
    return list(dict.fromkeys(p.split("#")[0].split("?")[0] for p in local))


def untracked(paths: list[str]) -> list[str]:
    """Which of ``paths`` (relative to the repository root) git does not track."""
    known = set(tracked(*paths))
    return [p for p in paths if p not in known]


def test_finds_markdown_and_html_images_but_not_remote_ones() -> None:
    text = (
        '![a](docs/a.png) ![a again](docs/a.png "t") ![b](<docs/b.png>)\n'
        '<img alt="x" src="docs/x.png?raw=1"> ![web](https://example.org/w.png)\n'
    )
    assert images_named(text) == ["docs/a.png", "docs/b.png", "docs/x.png"]


def test_readme_names_pictures() -> None:
    assert images_named(README.read_text(encoding="utf-8")), "no images found"


@pytest.mark.skipif(not is_checkout(), reason="not a git checkout of the project")
def test_every_picture_the_readme_names_is_tracked_by_git() -> None:
    images = images_named(README.read_text(encoding="utf-8"))
    missing = [p for p in images if not (ROOT / p).is_file()]
    assert missing == [], f"README names pictures that are not there: {missing}"
    assert untracked(images) == [], (
        "README names pictures git does not track (a fresh clone will not show "
        f"them; check .gitignore, then git add): {untracked(images)}"
    )


@pytest.mark.skipif(not is_checkout(), reason="not a git checkout of the project")
def test_untracked_detects_a_picture_git_does_not_know() -> None:
    assert untracked(["docs/screenshots/no-such-picture.png"]) == [
        "docs/screenshots/no-such-picture.png"
    ]


@pytest.mark.skipif(not is_checkout(), reason="not a git checkout of the project")
def test_gitignore_does_not_hide_the_readme_pictures() -> None:
    # Asks about the rules, not about what is already tracked, so a new picture
    # in the same folder would not be silently left out of a commit.
    images = images_named(README.read_text(encoding="utf-8"))
    assert ignore_rules_hitting(images) == {}

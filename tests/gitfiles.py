"""What git tracks in this checkout (for tests about what a fresh clone holds)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def is_checkout() -> bool:
    """True when git is installed and the project root is a git work tree's root."""
    if shutil.which("git") is None:
        return False
    probe = subprocess.run(
        ["git", "rev-parse", "--show-toplevel"], cwd=ROOT, capture_output=True
    )
    return probe.returncode == 0 and Path(probe.stdout.decode().strip()) == ROOT


def tracked(*paths: str) -> list[str]:
    """Tracked files (relative, ``/``-separated), all of them or among ``paths``."""
    out = subprocess.run(
        ["git", "ls-files", "-z", "--", *paths],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout
    return [p for p in out.decode().split("\0") if p]


def ignore_rules_hitting(paths: list[str]) -> dict[str, str]:
    """``{path: ".gitignore rule"}`` for the ``paths`` the ignore rules would hide.

    Asks about the rules only (``--no-index``), whether or not a path is tracked.
    """
    done = subprocess.run(
        ["git", "check-ignore", "--no-index", "--verbose", "-z", "--stdin"],
        cwd=ROOT,
        input="\0".join(paths).encode(),
        capture_output=True,
    )
    fields = done.stdout.decode().split("\0")
    # -z -v: source, line, pattern, path; repeated.
    return {
        fields[i + 3]: fields[i + 2]
        for i in range(0, len(fields) - 3, 4)
        if fields[i + 2]
    }

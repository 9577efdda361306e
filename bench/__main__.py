"""Run benchmarks: ``python -m bench <name> [...]`` or ``python -m bench all``.

Each benchmark is a module ``bench/<name>.py`` with a ``main(argv) -> int``
function. Its last printed line is one JSON object with the figures.
"""

from __future__ import annotations

import importlib
import pkgutil
import sys
from collections.abc import Sequence

import bench

_NOT_BENCHMARKS = {"common"}


def available() -> list[str]:
    """Return the names of the benchmark modules."""
    names = [m.name for m in pkgutil.iter_modules(bench.__path__)]
    return sorted(
        n for n in names if not n.startswith("_") and n not in _NOT_BENCHMARKS
    )


def main(argv: Sequence[str]) -> int:
    """Dispatch to one benchmark, or run them all in turn."""
    names = available()
    if not argv or argv[0] in {"-h", "--help"}:
        print(f"usage: python -m bench {{{'|'.join([*names, 'all'])}}} [options]")
        return 0 if argv else 2
    chosen = names if argv[0] == "all" else [argv[0]]
    status = 0
    for name in chosen:
        if name not in names:
            print(f"unknown benchmark {name!r}; choose from {', '.join(names)}")
            return 2
        module = importlib.import_module(f"bench.{name}")
        print(f"== bench {name}", flush=True)
        status |= int(module.main(list(argv[1:])))
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

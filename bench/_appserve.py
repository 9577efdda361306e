"""The field app with cheap Argon2id costs: for benchmarks and browser tests only.

The shipped app never reads a switch for this; the costs are handed to
:func:`app.main.build_gate` here, in code that is not part of the app.

    python -m bench._appserve --port N
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from app.main import build_gate, serve, settings_from_args
from app.store import KdfParams

__all__ = ["FAST_KDF", "main"]

FAST_KDF = KdfParams(memory_kib=8 * 1024, iterations=1, lanes=1)


def main(argv: Sequence[str] | None = None) -> int:
    """Serve like ``parley``, with :data:`FAST_KDF` for any vault created."""
    settings = settings_from_args(argv)
    return serve(settings, build_gate(settings, kdf=FAST_KDF))


if __name__ == "__main__":
    sys.exit(main())

"""What ``make run`` starts: the field app (and, once it exists, the hub)."""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Sequence

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Start the field app on 127.0.0.1 and print its address."""
    parser = argparse.ArgumentParser(prog="python -m app.devrun")
    parser.add_argument("--port", type=int, default=8550, help="field app port")
    parser.add_argument("--hub-port", type=int, default=8660, help="hub port")
    args = parser.parse_args(argv)

    children: list[subprocess.Popen[bytes]] = []
    # --- HUB: the lead hooks `parley-hub init` / `serve --port {args.hub_port}` /
    # `enroll` in here once hub/cli.py lands; keep the field app last so its address
    # is the final line printed.
    # --- end HUB
    app = subprocess.Popen([sys.executable, "-m", "app.main", "--port", str(args.port)])
    children.append(app)
    try:
        return app.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        for child in children:
            if child.poll() is None:
                child.terminate()
                child.wait(timeout=10)


if __name__ == "__main__":
    sys.exit(main())

"""`python -m bot.healthcheck`: the container's HEALTHCHECK; exits 0 when GET /healthz answers 200.

It probes the port the bot is listening on: the one the bot wrote to COMPLAINT_BOT_PORT_FILE
once it was listening (so PORT=0, any free port, works too), else $PORT, else 3000. Only the
standard library: it runs every 30 s and must start fast.
"""

from __future__ import annotations

import http.client
import os
import sys
import urllib.request
from pathlib import Path


def listening_port() -> str:
    port_file = os.environ.get("COMPLAINT_BOT_PORT_FILE")
    if port_file and Path(port_file).is_file():
        return Path(port_file).read_text().strip()
    return os.environ.get("PORT") or "3000"


def main() -> int:
    url = f"http://127.0.0.1:{listening_port()}/healthz"
    try:
        with urllib.request.urlopen(url, timeout=4) as response:
            return 0 if response.status == 200 else 1
    # Refused, timed out, an HTTP error status (HTTPError is an OSError), a garbled answer, or a port file not
    # holding a port (InvalidURL): the last two are http.client.HTTPException.
    except (OSError, http.client.HTTPException) as exc:
        print(f"{url}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())

"""`python -m handywriterz.healthcheck [URL]`: exit 0 when the web process is ready.

For container health checks: the image has no curl. It asks `/health/ready` as the proxy would,
marked as HTTPS (`X-Forwarded-Proto`), so production's HTTPS redirect does not answer instead.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request


def main(argv: list[str]) -> int:
    port = os.environ.get("WEB_PORT", "8000")
    url = argv[1] if len(argv) > 1 else f"http://127.0.0.1:{port}/health/ready"
    request = urllib.request.Request(  # noqa: S310 - a URL of our own making
        url, headers={"X-Forwarded-Proto": "https", "Host": "localhost"}
    )
    try:
        with urllib.request.urlopen(request, timeout=4) as response:  # noqa: S310
            return 0 if response.status == 200 else 1
    except (urllib.error.URLError, OSError) as error:
        print(f"not ready: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main(sys.argv))

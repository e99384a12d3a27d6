"""Keep one command running: start it again whenever it exits, until we are told to stop.

`make run` starts its processes with honcho, which stops every process as soon as one exits; a
Celery worker or beat that dies (a crash, an OOM kill) would take the whole of `make run` down
and leave queued runs waiting. Under this supervisor it is restarted within a second or two
(backing off to RESTART_MAX_WAIT while it keeps failing at once). In production the process
manager does this (systemd `Restart=always`, compose `restart: unless-stopped`).

    python -m devtools.supervise -- celery -A handywriterz worker ...
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from types import FrameType

RESTART_MIN_WAIT = 1.0
RESTART_MAX_WAIT = 30.0
# A child that ran this long was healthy: the next failure starts the back-off afresh.
HEALTHY_AFTER = 60.0


def _log(message: str) -> None:
    print(f"supervise pid={os.getpid()} {message}", file=sys.stderr, flush=True)


def supervise(argv: list[str]) -> int:
    stopping = threading.Event()
    child: subprocess.Popen[bytes] | None = None

    def stop(signum: int, frame: FrameType | None) -> None:
        stopping.set()
        if child is not None and child.poll() is None:
            # The child leads its own process group: the signal reaches its pool too.
            os.killpg(child.pid, signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    wait = RESTART_MIN_WAIT / 2  # doubled before the first restart
    while True:
        started = time.monotonic()
        child = subprocess.Popen(argv, start_new_session=True)
        _log(f"event=started child={child.pid} argv={' '.join(argv[:4])}")
        code = child.wait()
        if stopping.is_set():
            return code
        ran = time.monotonic() - started
        wait = RESTART_MIN_WAIT if ran > HEALTHY_AFTER else min(wait * 2, RESTART_MAX_WAIT)
        # Whatever the child left behind in its group (pool processes) goes with it.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(child.pid, signal.SIGKILL)
        _log(f"event=exited child={child.pid} code={code} ran={ran:.1f}s restart_in={wait:.1f}s")
        deadline = time.monotonic() + wait
        stopping.wait(max(0.0, deadline - time.monotonic()))
        if stopping.is_set():
            return code


def main() -> int:
    argv = sys.argv[1:]
    if argv[:1] == ["--"]:
        argv = argv[1:]
    if not argv:
        print("usage: python -m devtools.supervise -- COMMAND [ARGS...]", file=sys.stderr)
        return 2
    return supervise(argv)


if __name__ == "__main__":
    sys.exit(main())

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

from devtools.processes import ROOT


def test_the_supervisor_restarts_its_command_and_stops_with_it(tmp_path: Path):
    starts = tmp_path / "starts"
    command = f"echo started >> {starts}; sleep 0.3; exit 3"
    supervisor = subprocess.Popen(
        [sys.executable, "-m", "devtools.supervise", "--", "sh", "-c", command],
        cwd=ROOT,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 10
        while not starts.exists() or len(starts.read_text().split()) < 3:
            assert time.monotonic() < deadline, "the command was not restarted twice"
            time.sleep(0.1)
    finally:
        supervisor.send_signal(signal.SIGTERM)
        supervisor.wait(timeout=10)
    log = supervisor.stderr.read().decode() if supervisor.stderr else ""
    assert "event=exited" in log
    assert "code=3" in log


def test_the_supervisor_passes_a_stop_to_its_command(tmp_path: Path):
    supervisor = subprocess.Popen(
        [sys.executable, "-m", "devtools.supervise", "--", "sleep", "60"], cwd=ROOT
    )
    time.sleep(0.5)
    started = time.monotonic()
    supervisor.send_signal(signal.SIGTERM)
    assert supervisor.wait(timeout=10) != 0  # the command was ended by the signal
    assert time.monotonic() - started < 5

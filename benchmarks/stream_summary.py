"""Several `make bench` runs side by side, each goal counted as met or missed per run: how the
figures move between runs, and whether a goal holds in most of them.

Usage: python -m benchmarks.stream_summary run1.json run2.json ...   (files written by
benchmarks.stream_latency --json)
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.stream_report import (
    GOAL_STREAMS,
    idle_met,
    idle_share,
    latency_met,
    mishandled,
    post_met,
    post_p50,
    sustained_met,
)

Figures = dict[str, Any]


def _latency(figures: Figures, streams: int) -> dict[str, Any] | None:
    steps: list[dict[str, Any]] = figures.get("latency", [])
    return next((step for step in steps if step["streams"] == streams), None)


def _ratio(figures: Figures, streams: int, q: str) -> float | None:
    step = _latency(figures, streams)
    if step is None or not step["floor"][q]:
        return None
    return float(step["ours"][q] / step["floor"][q])


def _post(figures: Figures) -> float | None:
    post = figures.get("post_to_first_event")
    return None if post is None else post_p50(post)


def _idle_share(figures: Figures) -> float | None:
    idle = figures.get("idle")
    return None if idle is None else idle_share(idle)


def _met(figures: Figures, step: str, goal: Callable[[dict[str, Any]], bool]) -> bool:
    return step in figures and goal(figures[step])


def _latency_met(figures: Figures) -> bool:
    step = _latency(figures, GOAL_STREAMS)
    return step is not None and latency_met(step)


# (row, goal text, the figure as shown, whether the goal is met; None: no goal on the row)
Row = tuple[str, str, Callable[[Figures], str], Callable[[Figures], bool] | None]


def _fmt(value: float | None, unit: str = "", digits: int = 1) -> str:
    return "—" if value is None else f"{value:,.{digits}f}{unit}"


def _sides(figures: Figures, floor_key: str, ours_key: str, unit: str = "") -> str:
    """A figure of the floor's and of ours at the goal's 1,000 streams: `floor / ours`."""
    step = _latency(figures, GOAL_STREAMS) or {}
    floor = step.get("floor", {}).get(floor_key, "—")
    ours = step.get("ours", {}).get(ours_key, "—")
    return f"{floor}{unit} / {ours}{unit}"


ROWS: list[Row] = [
    (
        "1,000 streams, 50 events/s: p50 / p99 vs floor",
        "≤ 3× / ≤ 5×",
        lambda f: " / ".join(_fmt(_ratio(f, GOAL_STREAMS, q), "×") for q in ("p50_ms", "p99_ms")),
        _latency_met,
    ),
    (
        "1,000 streams: floor / ours p50 (ms)",
        "",
        lambda f: " / ".join(
            _fmt((_latency(f, GOAL_STREAMS) or {}).get(side, {}).get("p50_ms"))
            for side in ("floor", "ours")
        ),
        None,
    ),
    (
        "1,000 streams: server CPU, floor / Daphne",
        "",
        lambda f: _sides(f, "server_cpu_percent", "daphne_cpu_percent", " %"),
        None,
    ),
    (
        "1,000 streams: client CPU per process, floor / ours",
        "",
        lambda f: _sides(f, "client_cpu_percent", "client_cpu_percent", " %"),
        None,
    ),
    (
        "2,000 idle streams connected",
        "≥ 99.9 %",
        lambda f: _fmt(_idle_share(f), " %", 2),
        lambda f: _met(f, "idle", idle_met),
    ),
    (
        "memory per open stream",
        "≤ 64 KiB",
        lambda f: _fmt(f.get("idle", {}).get("kib_per_stream"), " KiB"),
        lambda f: _met(f, "idle", idle_met),
    ),
    (
        "sustained deliveries/s, one Daphne",
        "≥ 20,000",
        lambda f: _fmt(f.get("sustained", {}).get("deliveries_per_second"), "", 0),
        lambda f: _met(f, "sustained", sustained_met),
    ),
    (
        "POST → first event p50 (POST answering with the stream)",
        "≤ 20 ms",
        lambda f: _fmt(_post(f), " ms"),
        lambda f: _met(f, "post_to_first_event", post_met),
    ),
    (
        "POST → first event p50 (POST, then GET)",
        "",
        lambda f: _fmt(f.get("post_to_first_event", {}).get("p50_ms"), " ms"),
        None,
    ),
    (
        "events lost / duplicated / out of order",
        "0",
        lambda f: str(sum(mishandled(f))),
        lambda f: sum(mishandled(f)) == 0,
    ),
]


def summary(runs: list[Figures]) -> str:
    head = "| | goal | " + " | ".join(
        f"run {i} (load {r['machine']['load_before'][0]:.1f})" for i, r in enumerate(runs, 1)
    )
    lines = [head + " | goal met in |", "|---" * (len(runs) + 3) + "|"]
    for name, goal, show, met in ROWS:
        cells = []
        count = 0
        for figures in runs:
            ok = met(figures) if met is not None else None
            count += bool(ok)
            cells.append(show(figures) + ("" if ok is None else (" ✓" if ok else " ✗")))
        tally = f"{count} of {len(runs)}" if met is not None else ""
        lines.append(f"| {name} | {goal} | " + " | ".join(cells) + f" | {tally} |")
    return "\n".join(lines)


def main() -> None:
    runs = [json.loads(Path(name).read_text()) for name in sys.argv[1:]]
    if not runs:
        sys.exit(__doc__)
    print(summary(runs))


if __name__ == "__main__":
    main()

"""The bench's verdicts: a goal is met or missed per run from the figures it wrote."""

from __future__ import annotations

import copy
from typing import Any

from benchmarks.stream_report import report
from benchmarks.stream_summary import summary


def _side(p50: float, p99: float, *, connected: int = 1000) -> dict[str, Any]:
    return {
        "p50_ms": p50,
        "p99_ms": p99,
        "connected": connected,
        "streams": 1000,
        "failures": {},
        "lost": 0,
        "duplicated": 0,
        "disordered": 0,
        "client_cpu_percent": 30.0,
        "server_cpu_percent": 40.0,
        "daphne_cpu_percent": 55.0,
    }


def _figures(*, ours_p50: float = 12.0, post_p50: float = 16.0, lost: int = 0) -> dict[str, Any]:
    ours = _side(ours_p50, 20.0)
    ours["lost"] = lost
    return {
        "machine": {"cores": 2, "load_before": [0.5, 0, 0], "load_after": [1.0, 0, 0]},
        "python": "3.11.7",
        "latency": [{"streams": 1000, "floor": _side(6.0, 12.0), "ours": ours}],
        "idle": {
            "streams": 2000,
            "connected": 2000,
            "failures": {},
            "lost": 0,
            "kib_per_stream": 11.3,
            "threads": 15,
            "threads_before": 15,
            "database_connections": {"idle": 7},
        },
        "sustained": {
            **_side(800.0, 1100.0, connected=500),
            "streams": 500,
            "deliveries": 200_000,
            "deliveries_per_second": 60_000,
        },
        "post_to_first_event": {
            "runs": 50,
            "p50_ms": 25.0,
            "p99_ms": 40.0,
            "post_p50_ms": 15.0,
            "stream_open_to_first_event_p50_ms": 10.0,
            "post_answering_with_the_stream": {"p50_ms": post_p50, "p99_ms": 25.0},
        },
    }


def test_report_says_met_when_every_goal_holds():
    text = report(_figures())
    assert "MISSED" not in text
    assert "p50 ≤ 3×, p99 ≤ 5× floor: met" in text
    assert "(goal p50 ≤ 20: met)" in text


def test_report_says_missed_for_a_slow_run_a_slow_post_and_a_lost_event():
    text = report(_figures(ours_p50=19.0, post_p50=21.0, lost=1))
    assert "p50 ≤ 3×, p99 ≤ 5× floor: MISSED" in text  # 19 ms on a 6 ms floor: 3.2×
    assert "(goal p50 ≤ 20: MISSED)" in text
    assert "goal 0: MISSED" in text


def test_report_prints_only_the_steps_that_ran():
    figures = _figures()
    del figures["idle"], figures["sustained"]
    text = report(figures)
    assert "idle streams" not in text
    assert "sustained" not in text
    assert "POST /api/chat" in text


def test_summary_counts_each_goal_over_the_runs():
    runs = [_figures(), _figures(ours_p50=30.0), copy.deepcopy(_figures(post_p50=25.0))]
    table = summary(runs)
    rows = {line.split(" | ")[0].lstrip("| "): line for line in table.splitlines()}
    assert rows["1,000 streams, 50 events/s: p50 / p99 vs floor"].endswith("| 2 of 3 |")
    assert rows["POST → first event p50 (POST answering with the stream)"].endswith("| 2 of 3 |")
    assert rows["sustained deliveries/s, one Daphne"].endswith("| 3 of 3 |")
    assert "5.0× / 1.7× ✗" in rows["1,000 streams, 50 events/s: p50 / p99 vs floor"]

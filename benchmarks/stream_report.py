"""The bench's table: floor, ours and their ratio, beside the goals of issue 13."""

from __future__ import annotations

from typing import Any


def _ms(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}"


def _ratio(ours: float | None, floor: float | None) -> str:
    if ours is None or not floor:
        return "—"
    return f"{ours / floor:.1f}×"


def _connected(step: dict[str, Any]) -> str:
    text = f"{step['connected']}/{step['streams']}"
    if step.get("failures"):
        text += f" {step['failures']}"
    return text


GOAL_STREAMS = 1000  # the latency goal is set at 1,000 streams of one run


# The goals of issue 13, once: the table of one run and the summary of several both judge by them.
def latency_met(step: dict[str, Any]) -> bool:
    floor, ours = step["floor"], step["ours"]
    if not (ours["p50_ms"] and floor["p50_ms"]):
        return False
    return bool(
        ours["p50_ms"] <= 3 * floor["p50_ms"]
        and ours["p99_ms"] <= 5 * floor["p99_ms"]
        and ours["connected"] == step["streams"]
    )


def idle_share(idle: dict[str, Any]) -> float:
    return float(100 * idle["connected"] / idle["streams"])


def idle_met(idle: dict[str, Any]) -> bool:
    return idle_share(idle) >= 99.9 and idle["kib_per_stream"] <= 64


def sustained_met(burst: dict[str, Any]) -> bool:
    return bool(burst["deliveries_per_second"] >= 20_000)


def post_p50(post: dict[str, Any]) -> float:
    return float(post["post_answering_with_the_stream"]["p50_ms"])


def post_met(post: dict[str, Any]) -> bool:
    return post_p50(post) <= 20


def mishandled(figures: dict[str, Any]) -> tuple[int, int, int]:
    """Events lost, duplicated and out of order, over every step's connected streams."""
    steps = [s["ours"] for s in figures.get("latency", [])]
    steps += [figures[k] for k in ("sustained", "idle") if k in figures]
    return (
        sum(s["lost"] for s in steps),
        sum(s.get("duplicated", 0) for s in steps),
        sum(s.get("disordered", 0) for s in steps),
    )


def _verdict(met: bool) -> str:
    return "met" if met else "MISSED"


def _latency(figures: dict[str, Any]) -> list[str]:
    lines = []
    for step in figures.get("latency", []):
        floor, ours = step["floor"], step["ours"]
        n = step["streams"]
        ratios = (
            f"{_ratio(ours['p50_ms'], floor['p50_ms'])} / {_ratio(ours['p99_ms'], floor['p99_ms'])}"
        )
        goal = "(goal set at 1,000 streams)"
        if n == GOAL_STREAMS:
            goal = f"p50 ≤ 3×, p99 ≤ 5× floor: {_verdict(latency_met(step))}"
        lines.append(
            f"{f'{n} streams, p50 / p99 (ms)':<34}"
            f"{_ms(floor['p50_ms']) + ' / ' + _ms(floor['p99_ms']):>18}"
            f"{_ms(ours['p50_ms']) + ' / ' + _ms(ours['p99_ms']):>18}"
            f"{ratios:>14}   {goal}"
        )
        lines.append(
            f"{'  connected':<34}{_connected(floor):>18}{_connected(ours):>18}{'':>14}   ≥ 99.9 %"
        )
        lines.append(
            f"{'  client CPU (of a core, per proc)':<34}"
            f"{floor['client_cpu_percent']:>16} %{ours['client_cpu_percent']:>16} %"
        )
        lines.append(
            f"{'  server CPU (of a core)':<34}"
            f"{floor.get('server_cpu_percent', '—'):>16} %{ours['daphne_cpu_percent']:>16} %"
        )
    return lines


def _idle(idle: dict[str, Any]) -> str:
    held = sum(v for k, v in idle["database_connections"].items() if k != "idle")
    return (
        f"{idle['streams']} idle streams: connected {_connected(idle)} "
        f"({idle_share(idle):.2f} %, goal ≥ 99.9 %), "
        f"{idle['kib_per_stream']} KiB per stream (goal ≤ 64): {_verdict(idle_met(idle))}; "
        f"{idle['threads']} threads (before: {idle['threads_before']}), "
        f"{held} DB connections in use ({idle['database_connections']})"
    )


def _sustained(burst: dict[str, Any]) -> str:
    return (
        f"sustained: {burst['deliveries_per_second']:,} deliveries/s by one Daphne process "
        f"(goal ≥ 20,000: {_verdict(sustained_met(burst))}): "
        f"{burst['streams']} streams, {burst['deliveries']:,} deliveries as "
        f"fast as the publisher goes; client CPU {burst['client_cpu_percent']} % per process, "
        f"Daphne CPU {burst['daphne_cpu_percent']} %; p50 / p99 {_ms(burst['p50_ms'])} / "
        f"{_ms(burst['p99_ms'])} ms"
    )


def _post(post: dict[str, Any]) -> list[str]:
    inline = post["post_answering_with_the_stream"]
    return [
        f"POST /api/chat answering with the stream (Accept: text/event-stream) → first event "
        f"(p50 / p99 over {post['runs']} runs): {_ms(inline['p50_ms'])} / "
        f"{_ms(inline['p99_ms'])} ms (goal p50 ≤ 20: {_verdict(post_met(post))})",
        f"POST /api/chat, then GET its stream → first event: {_ms(post['p50_ms'])} / "
        f"{_ms(post['p99_ms'])} ms; of which the POST {_ms(post['post_p50_ms'])} ms and opening "
        f"the stream to its first event {_ms(post['stream_open_to_first_event_p50_ms'])} ms (p50)",
    ]


def report(figures: dict[str, Any]) -> str:
    machine = figures["machine"]
    lines = [
        f"HandyWriterz streams — {machine['cores']} cores, load average before "
        f"{machine['load_before'][0]:.1f}, after {machine.get('load_after', [0])[0]:.1f}; "
        f"Python {figures['python']}",
        "",
        f"{'':<34}{'floor':>18}{'ours':>18}{'ratio':>14}   goal",
        *_latency(figures),
        "",
    ]
    if "idle" in figures:
        lines.append(_idle(figures["idle"]))
    if "sustained" in figures:
        lines.append(_sustained(figures["sustained"]))
    if "post_to_first_event" in figures:
        lines += _post(figures["post_to_first_event"])
    lost, duplicated, disordered = mishandled(figures)
    lines.append(
        f"events lost by connected streams: {lost} (duplicated {duplicated}, "
        f"out of order {disordered}; goal 0: {_verdict(lost + duplicated + disordered == 0)})"
    )
    return "\n".join(lines)

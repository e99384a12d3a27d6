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


def report(figures: dict[str, Any]) -> str:
    lines = [
        f"HandyWriterz streams — {figures['machine']['cores']} cores, load average before "
        f"{figures['machine']['load_before'][0]:.1f}, after "
        f"{figures['machine'].get('load_after', [0])[0]:.1f}; Python {figures['python']}",
        "",
        f"{'':<34}{'floor':>18}{'ours':>18}{'ratio':>14}   goal",
    ]
    for step in figures["latency"]:
        floor, ours = step["floor"], step["ours"]
        n = step["streams"]
        ratios = (
            f"{_ratio(ours['p50_ms'], floor['p50_ms'])} / {_ratio(ours['p99_ms'], floor['p99_ms'])}"
        )
        lines.append(
            f"{f'{n} streams, p50 / p99 (ms)':<34}"
            f"{_ms(floor['p50_ms']) + ' / ' + _ms(floor['p99_ms']):>18}"
            f"{_ms(ours['p50_ms']) + ' / ' + _ms(ours['p99_ms']):>18}"
            f"{ratios:>14}"
            "   p50 ≤ 3×, p99 ≤ 5× floor"
        )
        lines.append(
            f"{'  connected':<34}{_connected(floor):>18}{_connected(ours):>18}{'':>14}   ≥ 99.9 %"
        )
        lines.append(
            f"{'  client CPU (of a core, per proc)':<34}"
            f"{floor['client_cpu_percent']:>16} %{ours['client_cpu_percent']:>16} %"
            f"{'':>14}   Daphne CPU {ours['daphne_cpu_percent']} %"
        )
    idle = figures["idle"]
    held = sum(v for k, v in idle["database_connections"].items() if k != "idle")
    lines += [
        "",
        f"{idle['streams']} idle streams: connected {_connected(idle)} "
        f"({100 * idle['connected'] / idle['streams']:.2f} %, goal ≥ 99.9 %), "
        f"{idle['kib_per_stream']} KiB per stream (goal ≤ 64), "
        f"{idle['threads']} threads (before: {idle['threads_before']}), "
        f"{held} DB connections in use ({idle['database_connections']})",
    ]
    burst = figures["sustained"]
    lines.append(
        f"sustained: {burst['deliveries_per_second']:,} deliveries/s by one Daphne process "
        f"(goal ≥ 20,000): {burst['streams']} streams, {burst['deliveries']:,} deliveries as "
        f"fast as the publisher goes; client CPU {burst['client_cpu_percent']} % per process, "
        f"Daphne CPU {burst['daphne_cpu_percent']} %; p50 / p99 {_ms(burst['p50_ms'])} / "
        f"{_ms(burst['p99_ms'])} ms"
    )
    post = figures["post_to_first_event"]
    lines.append(
        f"POST /api/chat → first event (p50 / p99 over {post['runs']} runs): "
        f"{_ms(post['p50_ms'])} / {_ms(post['p99_ms'])} ms (goal p50 ≤ 20); of which the POST "
        f"{_ms(post['post_p50_ms'])} ms and opening the stream to its first event "
        f"{_ms(post['stream_open_to_first_event_p50_ms'])} ms (p50)"
    )
    inline = post["post_answering_with_the_stream"]
    lines.append(
        f"POST /api/chat answering with the stream (Accept: text/event-stream) → first event: "
        f"{_ms(inline['p50_ms'])} / {_ms(inline['p99_ms'])} ms (p50 / p99)"
    )
    steps = [s["ours"] for s in figures["latency"]] + [burst]
    lost = sum(s["lost"] for s in steps) + idle["lost"]
    duplicated = sum(s["duplicated"] for s in steps)
    disordered = sum(s["disordered"] for s in steps)
    lines.append(
        f"events lost by connected streams: {lost} (duplicated {duplicated}, "
        f"out of order {disordered}; goal 0)"
    )
    return "\n".join(lines)

"""Streams at scale (issue 13), measured against a floor in the same run.

- Publish-to-client latency of a content event through the whole path — publisher as in the
  worker (a stored row, then the channel layer) → Daphne → client — at 1, 100 and 1,000
  concurrent streams of one run at 50 events/s, beside the floor: raw Redis pub/sub relayed by a
  minimal asyncio SSE server (benchmarks/floor_server.py) carrying the same bytes.
- 2,000 idle streams in one Daphne: connected, memory per stream, threads, database connections.
- Sustained deliveries per second by one Daphne process.
- POST /api/chat → the first event at the client (a real Celery worker running), over 50 runs.
- Events lost, duplicated or out of order, over every connected stream.

The client is several processes on raw sockets (benchmarks/stream_client.py) and reports its
own CPU. Daphne runs with DEBUG off and a deep listen backlog. Every run the bench creates is
ended. Prints a table; writes every figure to test-artifacts/bench/streams.json.

Usage: make bench   (or: python -m benchmarks.stream_latency --help)
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import secrets
import sys
import time
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "handywriterz.settings")
os.environ.setdefault("OFFLINE_STREAM_DELAY", "0")
os.environ.setdefault("LOG_LEVEL", "WARNING")
django.setup()

from django.conf import settings

from apps.accounts.services import api_token_create, user_ensure_demo
from benchmarks import stream_steps as steps
from benchmarks.stream_report import report
from devtools.processes import BIN, Processes, django_env, free_port, start_daphne

LOGS = Path(__file__).resolve().parent.parent / "test-artifacts" / "bench"
FLOOR_CHANNEL = "hwz-bench-floor"
STEPS = ("latency", "idle", "sustained", "post")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--streams", type=int, nargs="+", default=[1, 100, 1000])
    parser.add_argument("--rate", type=float, default=50, help="events per second per run")
    parser.add_argument("--seconds", type=float, default=5, help="publishing time per step")
    parser.add_argument("--idle", type=int, default=2000, help="idle streams held open")
    parser.add_argument("--burst-streams", type=int, default=500)
    parser.add_argument("--burst-events", type=int, default=400)
    parser.add_argument("--posts", type=int, default=50)
    parser.add_argument("--clients", type=int, default=2, help="client processes")
    parser.add_argument(
        "--steps",
        nargs="+",
        choices=STEPS,
        default=list(STEPS),
        help="what to measure (all by default)",
    )
    parser.add_argument("--json", type=Path, default=LOGS / "streams.json")
    args = parser.parse_args()

    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))
    multiprocessing.set_start_method("fork")
    user, _ = user_ensure_demo(
        username="bench", password=os.urandom(16).hex(), email="bench@example.com"
    )
    token = api_token_create(user=user, name="benchmark").secret
    env = django_env(
        settings_module=os.environ["DJANGO_SETTINGS_MODULE"],
        # As in production: DEBUG off (and so a secret key of its own); no TLS on 127.0.0.1.
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(40),
        SECURE_SSL_REDIRECT="false",
        SUBMISSION_RATE="100000/m",
        LOG_LEVEL="WARNING",
    )
    group = Processes()
    figures: dict[str, object] = {
        "machine": {"cores": os.cpu_count(), "load_before": os.getloadavg()},
        "python": sys.version.split()[0],
        "settings": vars(args) | {"json": str(args.json)},
    }
    try:
        base = start_daphne(group, env=env, log_dir=LOGS, backlog=4096)
        daphne = group.processes[-1].pid
        floor_port = free_port()
        floor_process = group.spawn(
            "floor",
            [
                str(BIN / "python"),
                "-m",
                "benchmarks.floor_server",
                str(floor_port),
                settings.REDIS_URL,
                FLOOR_CHANNEL,
            ],
            env=env,
            log_dir=LOGS,
        )
        time.sleep(1)
        bench = steps.Bench(
            base=base,
            token=token,
            user=user,
            daphne_pid=daphne,
            floor_port=floor_port,
            floor_pid=floor_process.pid,
            floor_channel=FLOOR_CHANNEL,
            clients=args.clients,
        )
        if "latency" in args.steps:
            latency = []
            for streams in args.streams:
                events = max(1, int(args.rate * args.seconds))
                floor = bench.floor(streams=streams, events=events, rate=args.rate)
                ours = bench.ours(streams=streams, events=events, rate=args.rate)
                latency.append({"streams": streams, "floor": floor, "ours": ours})
                print(f"  measured {streams} streams", file=sys.stderr)
            figures["latency"] = latency
        if "idle" in args.steps:
            figures["idle"] = bench.idle(streams=args.idle)
            print("  measured idle streams", file=sys.stderr)
        if "sustained" in args.steps:
            figures["sustained"] = bench.ours(
                streams=args.burst_streams, events=args.burst_events, rate=None
            )
            print("  measured sustained deliveries", file=sys.stderr)
        if "post" in args.steps:
            figures["post_to_first_event"] = bench.post_to_first_event(
                group=group, env=env, log_dir=LOGS, runs=args.posts
            )
        figures["machine"]["load_after"] = os.getloadavg()  # type: ignore[index]
    finally:
        group.stop()
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(figures, indent=1))
    print(report(figures))
    print(f"\nEvery figure: {args.json}")


if __name__ == "__main__":
    main()

"""Publish-to-client latency of a content event through the whole path — publisher (as in the
worker) → channel layer (Redis) → async SSE view (Daphne) → HTTP client — at 1, 100 and 1,000
concurrent streams, beside a floor measured in the same run: raw Redis pub/sub relayed by a
minimal SSE server. Also: memory per open stream in Daphne, sustained events/s delivered by one
Daphne process, and POST /api/chat to the first event with a real Celery worker.

Usage: make bench   (or: python -m benchmarks.stream_latency --streams 1 100 1000)
Figures are printed; nothing is asserted. All traffic stays on 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import django
import httpx

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "handywriterz.settings")
os.environ.setdefault("OFFLINE_STREAM_DELAY", "0")
os.environ.setdefault("LOG_LEVEL", "WARNING")
django.setup()

from django.conf import settings

from apps.accounts.models import User
from apps.accounts.services import api_token_create, user_ensure_demo
from apps.conversations.models import Conversation, Message, Run
from apps.streaming.publisher import RunPublisher
from devtools.processes import BIN, Processes, django_env, free_port, start_daphne, start_worker
from devtools.sse import aiter_sse

LOGS = Path(__file__).resolve().parent.parent / "test-artifacts" / "bench"
FLOOR_CHANNEL = "hwz-bench-floor"


@dataclass
class Figures:
    latencies_ms: list[float]
    connected: int
    wanted: int
    failures: list[str]

    def row(self, label: str) -> str:
        lat = sorted(self.latencies_ms)
        if not lat:
            return f"{label:<28} no events received ({self.connected}/{self.wanted} connected)"
        p50 = statistics.median(lat)
        p99 = lat[min(len(lat) - 1, int(len(lat) * 0.99))]
        return (
            f"{label:<28} p50 {p50:7.2f} ms   p99 {p99:7.2f} ms   max {lat[-1]:7.2f} ms   "
            f"events {len(lat):>6}   connected {self.connected}/{self.wanted} "
            f"({100 * self.connected / self.wanted:.1f} %)"
            + (f"   failed: {dict(Counter(self.failures))}" if self.failures else "")
        )


def _rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


async def _client(
    client: httpx.AsyncClient,
    url: str,
    headers: dict[str, str],
    out: list[float],
    connected: list[int],
    failures: list[str],
) -> None:
    try:
        async with client.stream("GET", url, headers=headers) as response:
            if response.status_code != 200:
                failures.append(f"HTTP {response.status_code}")
                return
            connected.append(1)
            async for message in aiter_sse(response.aiter_lines()):
                now = time.time()
                data = message.data
                if data == "done" or '"type":"done"' in data:
                    return
                if data.startswith("{"):
                    event = message.json()
                    if event["type"] == "content":
                        out.append((now - float(event["message"])) * 1000)
                else:
                    out.append((now - float(data)) * 1000)
    except httpx.HTTPError as error:
        failures.append(type(error).__name__)


def _make_run(user: User) -> Run:
    conversation = Conversation.objects.create(user=user, title="benchmark")
    message = Message.objects.create(conversation=conversation, role="user", content="benchmark")
    return Run.objects.create(
        conversation=conversation,
        user_message=message,
        status=Run.Status.RUNNING,
        writeup_type="essay",
        citation_style="apa7",
        academic_level="masters",
        target_word_count=1000,
        model="offline",
    )


def _publish(run: Run, events: int, gap: float) -> None:
    publisher = RunPublisher(run_id=run.id, conversation_id=run.conversation_id, coalesce_seconds=0)
    for _ in range(events):
        publisher.content(f"{time.time():.6f}", word_count=1)
        publisher.flush()
        if gap:
            time.sleep(gap)
    publisher.done(message="bench", final_word_count=0, processing_time=0, system_used="simple")
    publisher.close(timeout=30)


async def _measure_ours(
    base: str, token: str, user: User, streams: int, events: int, gap: float, daphne_pid: int
) -> tuple[Figures, float, float]:
    run = await asyncio.to_thread(_make_run, user)
    out: list[float] = []
    connected: list[int] = []
    failures: list[str] = []
    rss_before = _rss_kb(daphne_pid)
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=0)
    timeout = httpx.Timeout(120, connect=60)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=timeout) as client:
        tasks = [
            asyncio.create_task(
                _client(
                    client,
                    f"/api/stream/{run.id}",
                    {"Authorization": f"Bearer {token}"},
                    out,
                    connected,
                    failures,
                )
            )
            for _ in range(streams)
        ]
        deadline = time.monotonic() + 120
        # A stream is subscribed before its response starts: connected means listening.
        while len(connected) < streams and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
        await asyncio.sleep(0.5)
        rss_after = _rss_kb(daphne_pid)
        started = time.monotonic()
        await asyncio.to_thread(_publish, run, events, gap)
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=300)
        elapsed = time.monotonic() - started
    per_stream_kb = (rss_after - rss_before) / streams
    delivered_per_s = len(out) / elapsed if elapsed else 0.0
    return Figures(out, len(connected), streams, failures), per_stream_kb, delivered_per_s


async def _measure_floor(url: str, streams: int, events: int, gap: float) -> Figures:
    import redis.asyncio as aioredis

    out: list[float] = []
    connected: list[int] = []
    failures: list[str] = []
    publisher = aioredis.from_url(settings.REDIS_URL)
    limits = httpx.Limits(max_connections=None, max_keepalive_connections=0)
    async with httpx.AsyncClient(limits=limits, timeout=httpx.Timeout(120, connect=60)) as client:
        tasks = [
            asyncio.create_task(_client(client, url, {}, out, connected, failures))
            for _ in range(streams)
        ]
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            subscribers = (await publisher.pubsub_numsub(FLOOR_CHANNEL))[0][1]
            if subscribers >= streams:
                break
            await asyncio.sleep(0.2)
        for _ in range(events):
            await publisher.publish(FLOOR_CHANNEL, f"{time.time():.6f}")
            await asyncio.sleep(gap)
        await publisher.publish(FLOOR_CHANNEL, "done")
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=300)
    await publisher.aclose()
    return Figures(out, len(connected), streams, failures)


def _is_active(run_id: str) -> bool:
    return Run.objects.get(id=run_id).is_active


async def _post_to_first_event(base: str, token: str, tries: int) -> list[float]:
    results = []
    headers = {"Authorization": f"Bearer {token}"}
    body = {
        "prompt": "Write an essay on urban heat islands.",
        "mode": "essay",
        "file_ids": [],
        "user_params": {"wordCount": 500},
    }
    async with httpx.AsyncClient(base_url=base, timeout=60) as client:
        for _ in range(tries):
            started = time.monotonic()
            trace = (await client.post("/api/chat", json=body, headers=headers)).json()["trace_id"]
            async with client.stream("GET", f"/api/stream/{trace}", headers=headers) as response:
                async for _ in aiter_sse(response.aiter_lines()):
                    results.append((time.monotonic() - started) * 1000)
                    break
            # Let the run finish before the next one.
            while await asyncio.to_thread(_is_active, trace):
                await asyncio.sleep(0.05)
    return results


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--streams", type=int, nargs="+", default=[1, 100, 1000])
    parser.add_argument("--events", type=int, default=50, help="content events per measurement")
    parser.add_argument("--gap", type=float, default=0.02, help="seconds between events")
    args = parser.parse_args()

    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))
    user, _ = user_ensure_demo(
        username="bench", password=os.urandom(16).hex(), email="bench@example.com"
    )
    token = api_token_create(user=user, name="benchmark").secret
    env = django_env(
        settings_module=os.environ["DJANGO_SETTINGS_MODULE"],
        CHANNEL_LAYER_CAPACITY="10000",
        LOG_LEVEL="WARNING",
    )
    group = Processes()
    try:
        base = start_daphne(group, env=env, log_dir=LOGS)
        daphne_pid = group.processes[0].pid
        floor_port = free_port()
        group.spawn(
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
        print(
            f"HandyWriterz stream latency — {os.cpu_count()} cores, {args.events} events "
            f"per measurement, {args.gap * 1000:.0f} ms apart"
        )
        print(f"Python {sys.version.split()[0]}, one Daphne process, one client process (httpx)\n")
        for streams in args.streams:
            floor = asyncio.run(
                _measure_floor(f"http://127.0.0.1:{floor_port}/", streams, args.events, args.gap)
            )
            ours, per_stream_kb, _ = asyncio.run(
                _measure_ours(base, token, user, streams, args.events, args.gap, daphne_pid)
            )
            print(floor.row(f"floor   {streams:>5} streams"))
            print(ours.row(f"ours    {streams:>5} streams"))
            print(f"{'':<28} Daphne memory per open stream: {per_stream_kb:.1f} KiB\n")
        burst, _, delivered = asyncio.run(
            _measure_ours(base, token, user, 100, 1000, 0, daphne_pid)
        )
        print(
            f"sustained: {delivered:,.0f} events/s delivered by one Daphne process "
            "(100 streams, 1,000 events as fast as the publisher goes)"
        )
        print(burst.row("  latency during the burst") + "\n")
        start_worker(group, env=env, log_dir=LOGS)
        firsts = asyncio.run(_post_to_first_event(base, token, 5))
        print(
            "POST /api/chat to first event (real Celery worker): "
            f"median {statistics.median(firsts):.1f} ms, max {max(firsts):.1f} ms "
            f"over {len(firsts)}"
        )
    finally:
        group.stop()


if __name__ == "__main__":
    main()

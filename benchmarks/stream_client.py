"""The benchmark's client: one process holding many SSE streams on raw asyncio sockets (no HTTP
library: its per-line work would make the client the bottleneck), run several at once by the
bench. No Django here.

Each stream records, for every event, its `seq` and — for a content event whose message is the
publisher's `time.time()` — the publish-to-client latency. The process reports what it saw and
the CPU it used, so a reader of the figures can tell whether the client kept up.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import resource
import time
from collections import Counter
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from typing import Any

SEQ = re.compile(rb'"seq":(\d+)')
MESSAGE = re.compile(rb'"message":"([0-9.]+)"')
DONE = b'"type":"done"'
OPEN_AT_ONCE = 200


@dataclass
class Job:
    host: str
    port: int
    path: str
    headers: dict[str, str]
    streams: int
    connect_timeout: float
    run_timeout: float
    # Every stream should see seq 1..expected (0: not known in advance).
    expected: int = 0


@dataclass
class Tally:
    latencies_ms: list[float] = field(default_factory=list)
    connected: int = 0
    failures: Counter[str] = field(default_factory=Counter)
    # Over the streams that connected: events missing, seen twice, or out of order.
    lost: int = 0
    duplicated: int = 0
    disordered: int = 0
    finished: int = 0
    events: int = 0


class Stream(asyncio.Protocol):
    def __init__(self, request: bytes, tally: Tally) -> None:
        self._request = request
        self._tally = tally
        self._buffer = b""
        self._transport: asyncio.Transport | None = None
        self.opened: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self.done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self.seqs: list[int] = []
        self.finished = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport
        transport.write(self._request)

    def data_received(self, data: bytes) -> None:
        now = time.time()
        blocks = (self._buffer + data).split(b"\n\n")
        self._buffer = blocks.pop()
        for block in blocks:
            self._block(block, now)

    def _block(self, block: bytes, now: float) -> None:
        if not self.opened.done():
            if block.startswith((b"HTTP/1.1 200", b"HTTP/1.0 200")):
                self.opened.set_result(True)
            else:
                status = block[9:12].decode(errors="replace")
                self._tally.failures[f"HTTP {status}"] += 1
                self.opened.set_result(False)
                self.close()
            return
        seq = SEQ.search(block)
        if seq is None:
            return  # a heartbeat, a comment
        self.seqs.append(int(seq.group(1)))
        message = MESSAGE.search(block)
        if message is not None:
            self._tally.latencies_ms.append((now - float(message.group(1))) * 1000)
        if DONE in block:
            self.finished = True
            self.close()

    def close(self) -> None:
        if self._transport is not None:
            self._transport.close()

    def connection_lost(self, exc: Exception | None) -> None:
        if not self.opened.done():
            self.opened.set_result(False)
            self._tally.failures["closed before the response"] += 1
        if not self.done.done():
            self.done.set_result(None)


async def _open(job: Job, request: bytes, tally: Tally, gate: asyncio.Semaphore) -> Stream | None:
    loop = asyncio.get_running_loop()
    async with gate:
        try:
            _, stream = await asyncio.wait_for(
                loop.create_connection(lambda: Stream(request, tally), job.host, job.port),
                job.connect_timeout,
            )
            if not await asyncio.wait_for(stream.opened, job.connect_timeout):
                return None
        except (OSError, TimeoutError) as error:
            tally.failures[type(error).__name__] += 1
            return None
    tally.connected += 1
    return stream


async def _main(job: Job, pipe: Connection) -> None:
    headers = "".join(f"{name}: {value}\r\n" for name, value in job.headers.items())
    request = (
        f"GET {job.path} HTTP/1.1\r\nHost: {job.host}:{job.port}\r\nAccept: text/event-stream\r\n"
        f"{headers}\r\n"
    ).encode()
    started = time.monotonic()
    tally = Tally()
    gate = asyncio.Semaphore(OPEN_AT_ONCE)
    opened = await asyncio.gather(*(_open(job, request, tally, gate) for _ in range(job.streams)))
    streams = [s for s in opened if s is not None]
    pipe.send(("ready", tally.connected))
    # The bench publishes now, ending with a `done` event that ends every stream.
    all_done = asyncio.gather(*(s.done for s in streams))
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(asyncio.shield(all_done), job.run_timeout)
    for stream in streams:
        stream.close()
        seqs = stream.seqs
        tally.events += len(seqs)
        tally.finished += stream.finished
        if seqs:
            unique = set(seqs)
            tally.duplicated += len(seqs) - len(unique)
            tally.disordered += seqs != sorted(seqs)
            tally.lost += (job.expected or max(unique)) - len(unique)
        else:
            tally.lost += job.expected
    usage = resource.getrusage(resource.RUSAGE_SELF)
    result: dict[str, Any] = {
        "latencies_ms": tally.latencies_ms,
        "connected": tally.connected,
        "failures": dict(tally.failures),
        "lost": tally.lost,
        "duplicated": tally.duplicated,
        "disordered": tally.disordered,
        "finished": tally.finished,
        "events": tally.events,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "wall_seconds": time.monotonic() - started,
    }
    pipe.send(("result", result))
    all_done.cancel()


def run(job: Job, pipe: Connection) -> None:
    """A client process's entry point (multiprocessing)."""
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, 65536), hard))
    asyncio.run(_main(job, pipe))

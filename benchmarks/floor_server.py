"""The floor: raw Redis pub/sub relayed by a minimal SSE server, nothing of ours in between.

One subscription for the process, each message written to every open connection in one loop
(no framework, no per-connection task, no stored log, no backpressure): the least any Python
relay of Redis pub/sub can do. The bench publishes each event as the exact SSE bytes our server
writes for it (same JSON, same size), and this server writes them through unchanged.

Usage: python -m benchmarks.floor_server PORT REDIS_URL CHANNEL
"""

from __future__ import annotations

import asyncio
import sys

import redis.asyncio as aioredis

HEADERS = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n\r\n"
DONE = b'"type":"done"'


async def serve(port: int, redis_url: str, channel: str) -> None:
    client = aioredis.from_url(redis_url)
    pubsub = client.pubsub()
    await pubsub.subscribe(channel)
    writers: set[asyncio.StreamWriter] = set()

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(HEADERS + b"retry: 2000\n: connected\n\n")
        writers.add(writer)

    async def relay() -> None:
        async for message in pubsub.listen():
            if message["type"] != "message":
                continue
            data = message["data"]
            for writer in writers:
                writer.write(data)
            if DONE in data:
                for writer in writers:
                    writer.close()
                writers.clear()

    # A listen backlog as deep as ours: a connect storm is not refused by the kernel.
    server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=4096)
    async with server:
        await asyncio.gather(server.serve_forever(), relay())


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1]), sys.argv[2], sys.argv[3]))

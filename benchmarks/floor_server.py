"""The floor: raw Redis pub/sub relayed by a minimal SSE server, nothing of ours in between.

The bench publishes each event as the exact SSE bytes our server would write for it (same JSON,
same size); this server writes them through unchanged.

Usage: python -m benchmarks.floor_server PORT REDIS_URL CHANNEL
"""

from __future__ import annotations

import asyncio
import sys

import redis.asyncio as aioredis

HEADERS = b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n\r\n"
DONE = b'"type":"done"'


async def serve(port: int, redis_url: str, channel: str) -> None:
    # One subscription per connection: the pool must not cap them (redis-py defaults to 100).
    client = aioredis.from_url(redis_url, max_connections=100_000)

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        pubsub = client.pubsub()
        await pubsub.subscribe(channel)
        writer.write(HEADERS + b"retry: 2000\n: connected\n\n")
        await writer.drain()
        try:
            async for message in pubsub.listen():
                if message["type"] != "message":
                    continue
                data = message["data"]
                writer.write(data)
                await writer.drain()
                if DONE in data:
                    break
        except ConnectionError:
            pass
        finally:
            await pubsub.aclose()  # type: ignore[no-untyped-call]
            writer.close()

    # A listen backlog as deep as ours: a connect storm is not refused by the kernel.
    server = await asyncio.start_server(handle, "127.0.0.1", port, backlog=4096)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    asyncio.run(serve(int(sys.argv[1]), sys.argv[2], sys.argv[3]))

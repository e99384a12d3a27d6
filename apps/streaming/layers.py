from __future__ import annotations

from channels_redis.core import RedisChannelLayer


class ChannelLayer(RedisChannelLayer):  # type: ignore[misc]
    """channels-redis, with a receive that blocks in Redis for one second at a time instead of
    five: a receive that has to stop (a worker or a test shutting down) waits that long at most,
    and the blocking read stays well inside redis-py's 5-second socket timeout."""

    brpop_timeout = 1

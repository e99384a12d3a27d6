from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest
from channels.layers import channel_layers, get_channel_layer

from apps.streaming.hub import get_hub


@pytest.fixture
async def fresh_channel_layer() -> AsyncIterator[None]:
    """Each test runs its own event loop, and channels-redis's locks and pools belong to the loop
    that made them: every test gets a layer of its own, and leaves nothing running behind."""
    channel_layers.backends.clear()
    yield
    await get_hub().close()
    layer = get_channel_layer()
    await layer.close_pools()
    channel_layers.backends.clear()
    await asyncio.sleep(0)

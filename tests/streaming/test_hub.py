from __future__ import annotations

import asyncio
import datetime as dt

import pytest
from channels.layers import get_channel_layer

from apps.streaming import hub as hub_module
from apps.streaming.events import Event, run_group
from apps.streaming.hub import Item, Resync, get_hub
from tests import live as tests_live
from tests.live import agroup_size

RUN = "8c1f4a7e-0000-4000-8000-000000000001"

pytestmark = pytest.mark.usefixtures("fresh_channel_layer")


def _seq(item: Item) -> int:
    assert not isinstance(item, Resync)
    return item["seq"]


async def _members() -> int:
    return await agroup_size(RUN)


async def _send(seq: int) -> None:
    await get_channel_layer().group_send(
        run_group(RUN), {"type": "run.event", "event": {"run_id": RUN, "seq": seq}}
    )


async def test_local_readers_of_one_run_share_one_group_membership():
    hub = get_hub()
    first, second = await asyncio.gather(hub.subscribe(RUN), hub.subscribe(RUN))
    assert hub.readers(RUN) == 2
    assert await _members() == 1
    await _send(1)
    assert _seq(await asyncio.wait_for(first.get(), 2)) == 1
    assert _seq(await asyncio.wait_for(second.get(), 2)) == 1

    await hub.unsubscribe(RUN, first)
    assert await _members() == 1
    await _send(2)
    assert _seq(await asyncio.wait_for(second.get(), 2)) == 2
    assert first.empty()

    await hub.unsubscribe(RUN, second)
    assert hub.readers(RUN) == 0
    assert await _members() == 0


async def test_a_reader_after_the_last_one_left_subscribes_afresh():
    hub = get_hub()
    queue = await hub.subscribe(RUN)
    await hub.unsubscribe(RUN, queue)
    again = await hub.subscribe(RUN)
    await _send(7)
    assert _seq(await asyncio.wait_for(again.get(), 2)) == 7
    await hub.unsubscribe(RUN, again)
    assert await _members() == 0


@pytest.mark.parametrize("readers", [1, 50])
async def test_every_reader_gets_every_event_in_order(readers):
    hub = get_hub()
    queues = await asyncio.gather(*(hub.subscribe(RUN) for _ in range(readers)))
    for seq in range(1, 21):
        await _send(seq)
    for queue in queues:
        got = [_seq(await asyncio.wait_for(queue.get(), 2)) for _ in range(20)]
        assert got == list(range(1, 21))
    for queue in queues:
        await hub.unsubscribe(RUN, queue)
    assert await _members() == 0


async def test_events_reach_only_the_readers_of_their_run():
    other = "8c1f4a7e-0000-4000-8000-000000000002"
    hub = get_hub()
    mine, theirs = await asyncio.gather(hub.subscribe(RUN), hub.subscribe(other))
    await _send(1)
    assert _seq(await asyncio.wait_for(mine.get(), 2)) == 1
    await asyncio.sleep(0.1)
    assert theirs.empty()
    await hub.unsubscribe(RUN, mine)
    await hub.unsubscribe(other, theirs)
    assert await _members() == 0


async def test_after_redis_loses_the_groups_the_hub_joins_them_again(monkeypatch):
    """A Redis restart drops the connection (a failed receive) and, without persistence, the
    group memberships: live delivery must come back without anyone reconnecting."""
    import redis.asyncio as aioredis
    from django.conf import settings
    from redis.exceptions import ConnectionError as RedisConnectionError

    layer = get_channel_layer()
    real_receive = layer.receive
    restart = asyncio.Event()
    failures = {"left": 3}

    async def flaky_receive(channel):
        if failures["left"]:
            await restart.wait()
            failures["left"] -= 1
            raise RedisConnectionError("Connection closed by server.")
        return await real_receive(channel)

    monkeypatch.setattr(layer, "receive", flaky_receive)
    hub = get_hub()
    queue = await hub.subscribe(RUN)
    assert await _members() == 1
    client = aioredis.from_url(settings.REDIS_URL)
    try:
        await client.delete(tests_live._group_key(RUN))  # what a restart without data does
    finally:
        await client.aclose()
    restart.set()

    deadline = asyncio.get_running_loop().time() + 5
    while await _members() == 0:
        assert asyncio.get_running_loop().time() < deadline, "the group was not joined again"
        await asyncio.sleep(0.05)
    await _send(5)
    item = await asyncio.wait_for(queue.get(), 2)
    while isinstance(item, Resync):  # readers were told to backfill meanwhile
        item = await asyncio.wait_for(queue.get(), 2)
    assert _seq(item) == 5
    await hub.unsubscribe(RUN, queue)
    # Stopped while the fault is still patched in (the fixture would stop it after the patch
    # is undone, mid-receive).
    await asyncio.wait_for(hub.close(), 5)


class Recording:
    """A reader that records how it was offered events: one at a time, or in a batch."""

    def __init__(self) -> None:
        self.offers: list[list[int]] = []

    def offer(self, event: Event) -> None:
        self.offers.append([event["seq"]])

    def offer_many(self, events: list[Event]) -> None:
        self.offers.append([e["seq"] for e in events])

    def resync(self) -> None:
        pass


def _stamped(seq: int, *, age: float) -> Event:
    stored = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=age)
    return {"run_id": RUN, "seq": seq, "timestamp": stored.isoformat()}  # type: ignore[return-value]


async def test_a_hub_keeping_up_offers_each_event_at_once():
    hub = get_hub()
    reader = Recording()
    await hub.attach(RUN, reader)
    hub._arrived(_stamped(1, age=0.001))
    hub._arrived(_stamped(2, age=0.001))
    assert reader.offers == [[1], [2]]  # synchronously, no wait
    await hub.detach(RUN, reader)


async def test_a_hub_behind_offers_the_events_that_queued_meanwhile_in_one_batch():
    """An event stored well before it arrives means the hub is behind: those queued after it
    go with it, each reader taking the batch in one pass (and one write: test_delivery)."""
    hub = get_hub()
    reader = Recording()
    await hub.attach(RUN, reader)
    hub._arrived(_stamped(1, age=hub_module.BEHIND_SECONDS * 5))
    hub._arrived(_stamped(2, age=0.001))
    hub._arrived(_stamped(3, age=0.001))
    assert reader.offers == []  # gathering
    await asyncio.sleep(hub_module.GATHER_SECONDS * 4)
    assert reader.offers == [[1, 2, 3]]
    hub._arrived(_stamped(4, age=0.001))  # caught up: at once again
    assert reader.offers == [[1, 2, 3], [4]]
    await hub.detach(RUN, reader)


async def test_events_behind_reach_readers_through_redis_in_order():
    hub = get_hub()
    queue = await hub.subscribe(RUN)
    stale = dt.datetime.now(dt.UTC) - dt.timedelta(seconds=1)
    for seq in range(1, 31):
        event = {"run_id": RUN, "seq": seq, "timestamp": stale.isoformat()}
        await get_channel_layer().group_send(run_group(RUN), {"type": "run.event", "event": event})
    got = [_seq(await asyncio.wait_for(queue.get(), 2)) for _ in range(30)]
    assert got == list(range(1, 31))
    await hub.unsubscribe(RUN, queue)

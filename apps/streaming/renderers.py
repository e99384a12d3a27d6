"""Turn what the stream generator yields into SSE text. The JSON renderer (the API's) lives here;
the HTML one belongs to the page that defines its fragments (apps.conversations.streams)."""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Hashable
from typing import ClassVar, Protocol

from apps.streaming.events import Event
from apps.streaming.sse import Heartbeat, Opened, StreamItem

RETRY_MS = 2000


def sse_message(*, data: str, event: str | None = None, event_id: int | None = None) -> str:
    lines = []
    if event_id is not None:
        lines.append(f"id: {event_id}")
    if event is not None:
        lines.append(f"event: {event}")
    # A data field cannot hold a newline: each line is its own `data:` and the client rejoins them.
    normalised = data.replace("\r\n", "\n").replace("\r", "\n")
    lines.extend(f"data: {line}" for line in normalised.split("\n"))
    return "\n".join(lines) + "\n\n"


def sse_comment(text: str) -> str:
    return f": {text}\n\n"


class Renderer(Protocol):
    async def render(self, item: StreamItem) -> str: ...


def render_control(item: Opened | Heartbeat) -> str:
    if isinstance(item, Opened):
        return f"retry: {RETRY_MS}\n" + sse_comment("connected")
    return sse_comment("heartbeat")


class JsonRenderer:
    """The API stream: `id: <seq>` and `data: <event json>`, as the first plan's clients expect.

    A stored event never changes, so its text is made once and shared by every stream reading
    the same run: a thousand readers need not serialise it a thousand times."""

    _cache: ClassVar[OrderedDict[tuple[str, int], str]] = OrderedDict()
    CACHE_SIZE: ClassVar[int] = 4096

    async def render(self, item: StreamItem) -> str:
        if isinstance(item, Opened | Heartbeat):
            return render_control(item)
        key = (item["run_id"], item["seq"])
        text = self._cache.get(key)
        if text is None:
            text = sse_message(data=json.dumps(item, separators=(",", ":")), event_id=item["seq"])
            self._cache[key] = text
            if len(self._cache) > self.CACHE_SIZE:
                self._cache.popitem(last=False)
        return text


OPENED = render_control(Opened()).encode()
HEARTBEAT = render_control(Heartbeat()).encode()


class SharedCache:
    """Rendered bytes by key, shared by every stream of the process: the newest `size` kept
    (events are rendered as they are published, so the newest are the ones asked for)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: dict[Hashable, bytes] = {}

    def get(self, key: Hashable) -> bytes | None:
        return self._items.get(key)

    def put(self, key: Hashable, value: bytes) -> bytes:
        self._items[key] = value
        if len(self._items) > self._size:
            del self._items[next(iter(self._items))]
        return value


class JsonFormat:
    """The API stream for the stream server (apps.streaming.server): one encoding per event per
    process, whatever the number of readers."""

    cache = SharedCache(8192)
    # The hub offers one event dict to every reader in turn: the last one rendered answers all
    # but the first without building a key (a thousand lookups an event at 1,000 readers).
    _last: tuple[Event, bytes] | None = None

    def opened(self) -> bytes:
        return OPENED

    def heartbeat(self, last_seq: int) -> bytes:
        return HEARTBEAT

    def render_now(self, event: Event) -> bytes:
        last = self._last
        if last is not None and last[0] is event:
            return last[1]
        key = (event["run_id"], event["seq"])
        data = self.cache.get(key)
        if data is None:
            text = sse_message(data=json.dumps(event, separators=(",", ":")), event_id=event["seq"])
            data = self.cache.put(key, text.encode())
        self._last = (event, data)
        return data

    async def render(self, event: Event) -> bytes:
        return self.render_now(event)


JSON_FORMAT = JsonFormat()

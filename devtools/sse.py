"""A small client-side SSE parser, per the WHATWG rules the server relies on."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class SseMessage:
    id: str | None
    event: str | None
    data: str

    def json(self) -> Any:
        return json.loads(self.data)


class SseParser:
    def __init__(self) -> None:
        self.last_id: str | None = None
        self._event: str | None = None
        self._data: list[str] = []

    def feed(self, line: str) -> SseMessage | None:
        if line == "":
            message = (
                SseMessage(self.last_id, self._event, "\n".join(self._data)) if self._data else None
            )
            self._event, self._data = None, []
            return message
        if line.startswith(":"):
            return None
        name, _, value = line.partition(":")
        value = value[1:] if value.startswith(" ") else value
        if name == "data":
            self._data.append(value)
        elif name == "id":
            self.last_id = value
        elif name == "event":
            self._event = value
        return None


def iter_sse(lines: Iterator[str]) -> Iterator[SseMessage]:
    parser = SseParser()
    for line in lines:
        if (message := parser.feed(line)) is not None:
            yield message


async def aiter_sse(lines: AsyncIterator[str]) -> AsyncIterator[SseMessage]:
    parser = SseParser()
    async for line in lines:
        if (message := parser.feed(line)) is not None:
            yield message

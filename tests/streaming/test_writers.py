from __future__ import annotations

import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from apps.streaming.writers import TwistedWriter


class CountingSocket(socket.socket):
    """A real socket that counts its send calls (each one a system call)."""

    sends = 0

    def send(self, data: Any, flags: int = 0) -> int:
        self.sends += 1
        return super().send(data, flags)


@dataclass
class Transport:
    """What TwistedWriter reads of a Twisted TCP transport: its socket and its buffer."""

    socket: CountingSocket
    connected: bool = True
    disconnecting: bool = False
    dataBuffer: bytes = b""  # Twisted's names
    _tempDataLen: int = 0
    written: list[bytes] = field(default_factory=list)

    def write(self, data: bytes) -> None:
        self.written.append(data)


@dataclass
class Channel:
    transport: Transport


@dataclass
class Request:
    channel: Channel
    chunked: bool = True
    producer: object = None

    def registerProducer(self, producer: object, streaming: bool) -> None:
        self.producer = producer

    def unregisterProducer(self) -> None:
        self.producer = None


@pytest.fixture
def pair() -> Iterator[tuple[CountingSocket, socket.socket]]:
    ours, theirs = socket.socketpair()
    counting = CountingSocket(fileno=ours.detach())
    counting.setblocking(False)
    yield counting, theirs
    counting.close()
    theirs.close()


def _read(sock: socket.socket) -> bytes:
    sock.settimeout(1)
    return sock.recv(65536)


def test_each_write_is_one_chunk_sent_at_once(pair):
    ours, theirs = pair
    writer = TwistedWriter(Request(Channel(Transport(ours))))
    writer.write(b"id: 1\n\n")
    assert ours.sends == 1
    assert _read(theirs) == b"7\r\nid: 1\n\n\r\n"


def test_corked_writes_go_out_in_one_send_on_uncork(pair):
    ours, theirs = pair
    writer = TwistedWriter(Request(Channel(Transport(ours))))
    writer.cork()
    writer.write(b"id: 1\n\n")
    writer.write(b"id: 2\n\n")
    assert ours.sends == 0
    writer.uncork()
    assert ours.sends == 1
    # Still one HTTP chunk per event: a client's parser sees what it saw before.
    assert _read(theirs) == b"7\r\nid: 1\n\n\r\n7\r\nid: 2\n\n\r\n"
    writer.write(b"id: 3\n\n")  # uncorked: at once again
    assert ours.sends == 2


def test_uncork_with_nothing_written_sends_nothing(pair):
    ours, _ = pair
    writer = TwistedWriter(Request(Channel(Transport(ours))))
    writer.cork()
    writer.uncork()
    assert ours.sends == 0


def test_what_twisted_still_buffers_goes_after_it_not_past_it(pair):
    """With bytes already in Twisted's buffer, writing to the socket would overtake them."""
    ours, _ = pair
    transport = Transport(ours, dataBuffer=b"earlier")
    writer = TwistedWriter(Request(Channel(transport)))
    writer.cork()
    writer.write(b"id: 1\n\n")
    writer.uncork()
    assert ours.sends == 0
    assert transport.written == [b"7\r\nid: 1\n\n\r\n"]

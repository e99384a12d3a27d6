"""Writing a stream's bytes to its socket without a task per write, and knowing when the socket
is full.

ASGI's `send` is a coroutine per message and says nothing about a full socket, which is what the
hub's one pass must not wait on (one slow reader would stall every other). So a connection writes
through a `Writer`: `write` returns at once, `paused` says the client is not reading (the bytes
already handed over are buffered, at most one socket buffer plus one event), and `drained()`
waits until it reads again.

Under Daphne (the product's server) the writer reaches the Twisted request behind Daphne's `send`
and registers itself as that request's push producer: Twisted pauses it when the transport's
buffer passes 64 KiB and resumes it when the buffer is empty. It writes the chunked HTTP framing
itself and sends straight to the socket when nothing is buffered, which spares Daphne's message
handling and Twisted's add-then-remove of the socket in the event loop's writers for each event.
Under any other server, the generic writer drives ASGI's `send` one step: a send that completes
at once was written; one that suspends is waiting for a full socket (uvicorn's flow control).
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import logging
import socket
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, Protocol

logger = logging.getLogger(__name__)

AsgiSend = Callable[[dict[str, Any]], Awaitable[None]]

# The kernel's send buffer of a stream's socket. Left alone, Linux grows it up to
# net.ipv4.tcp_wmem's maximum (4 MiB) for a reader that does not read: kernel memory per stream
# as unbounded as a buffer of our own would be. A reader this far behind catches up from the log.
KERNEL_SEND_BUFFER = 128 * 1024


class Writer(Protocol):
    paused: bool
    closed: bool

    def write(self, data: bytes) -> None: ...

    def cork(self) -> None:
        """Hold what is written until `uncork`, then send it in one go (a batch of events)."""

    def uncork(self) -> None: ...

    async def drained(self) -> None:
        """Until the client reads again (or the connection is gone)."""

    def release(self) -> None:
        """Stop watching the socket (before the response ends)."""


class _Flow:
    def __init__(self) -> None:
        self.paused = False
        self.closed = False
        self._resumed: asyncio.Future[None] | None = None

    def _pause(self) -> None:
        self.paused = True

    def _resume(self) -> None:
        self.paused = False
        if self._resumed is not None and not self._resumed.done():
            self._resumed.set_result(None)
        self._resumed = None

    def _close(self) -> None:
        self.closed = True
        self._resume()

    # Writers that cannot hold writes back write each at once.
    def cork(self) -> None:
        pass

    def uncork(self) -> None:
        pass

    async def drained(self) -> None:
        while self.paused and not self.closed:
            if self._resumed is None:
                self._resumed = asyncio.get_running_loop().create_future()
            await self._resumed


class TwistedWriter(_Flow):
    """Writes to the Twisted request a Daphne `send` is bound to (see the module's docstring)."""

    def __init__(self, request: Any) -> None:
        super().__init__()
        self._request = request
        self._transport = request.channel.transport
        self._chunked = bool(getattr(request, "chunked", False))
        sock = getattr(self._transport, "socket", None)
        # Straight to the socket only when Twisted's buffer is known to be empty: its private
        # fields are checked once here, and without them every write goes through Twisted.
        self._socket: socket.socket | None = (
            sock
            if isinstance(sock, socket.socket)
            and hasattr(self._transport, "_tempDataLen")
            and hasattr(self._transport, "dataBuffer")
            else None
        )
        if self._socket is not None:
            with contextlib.suppress(OSError):
                self._socket.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, KERNEL_SEND_BUFFER)
        self._corked: list[bytes] | None = None
        request.registerProducer(self, True)

    @classmethod
    def for_send(cls, send: AsgiSend) -> TwistedWriter | None:
        """The writer behind Daphne's `send` (`partial(server.handle_reply, protocol)`), if it
        is one; after the response has started, so the headers are out."""
        if not isinstance(send, functools.partial) or not send.args:
            return None
        request = send.args[0]
        if not hasattr(request, "channel") or not hasattr(request, "registerProducer"):
            return None
        if getattr(request.channel, "transport", None) is None:
            return None
        return cls(request)

    # IPushProducer, called by Twisted's HTTP channel.
    def pauseProducing(self) -> None:
        self._pause()

    def resumeProducing(self) -> None:
        self._resume()

    def stopProducing(self) -> None:
        self._close()

    def write(self, data: bytes) -> None:
        if self.closed:
            return
        transport = self._transport
        if not transport.connected or transport.disconnecting:
            self._close()
            return
        if self._chunked:
            data = _chunk(data)
        if self._corked is not None:
            self._corked.append(data)
            return
        self._send(data)

    def cork(self) -> None:
        if self._corked is None:
            self._corked = []

    def uncork(self) -> None:
        held, self._corked = self._corked, None
        if held and not self.closed:
            # One system call for the batch: its cost is the call, hardly the bytes.
            self._send(held[0] if len(held) == 1 else b"".join(held))

    def _send(self, data: bytes) -> None:
        transport = self._transport
        if self._socket is not None and not transport._tempDataLen and not transport.dataBuffer:
            try:
                sent = self._socket.send(data)
            except BlockingIOError:
                sent = 0
            except OSError:
                # Gone: Twisted notices on its side and Daphne tells the application.
                self._close()
                return
            if sent == len(data):
                return
            data = data[sent:]
        # Twisted buffers the rest and pauses us once its buffer passes its limit.
        transport.write(data)

    def release(self) -> None:
        with contextlib.suppress(Exception):
            self._request.unregisterProducer()


_framed: tuple[bytes, bytes] = (b"", b"0\r\n\r\n")


def _chunk(data: bytes) -> bytes:
    """`data` as one HTTP/1.1 chunk. The hub writes one event's bytes to every reader in turn:
    the framing of the last one serves all but the first."""
    global _framed
    if _framed[0] is not data:
        _framed = (data, b"%x\r\n%b\r\n" % (len(data), data))
    return _framed[1]


class AsgiWriter(_Flow):
    """Any ASGI server: a `send` that does not complete in one step is waiting for a full
    socket; the rest of it runs as a task, and the writer is paused until it is done."""

    def __init__(self, send: AsgiSend) -> None:
        super().__init__()
        self._send = send
        self._pending: asyncio.Task[None] | None = None

    def write(self, data: bytes) -> None:
        if self.closed:
            return
        if self.paused:  # callers check; a write now would overtake the pending one
            raise RuntimeError("write while paused")
        message = {"type": "http.response.body", "body": data, "more_body": True}
        coroutine = self._send(message)
        if not isinstance(coroutine, Coroutine):
            self._pending = asyncio.ensure_future(coroutine)
            self._watch()
            return
        try:
            waiting_on = coroutine.send(None)
        except StopIteration:
            return
        except OSError:
            self._close()
            return
        self._pending = asyncio.ensure_future(_resume(coroutine, waiting_on))
        self._watch()

    def _watch(self) -> None:
        assert self._pending is not None
        self._pause()
        self._pending.add_done_callback(self._sent)

    def _sent(self, task: asyncio.Task[None]) -> None:
        self._pending = None
        if task.cancelled() or task.exception() is not None:
            self._close()
        else:
            self._resume()

    def release(self) -> None:
        pass


async def _resume(coroutine: Coroutine[Any, Any, None], waiting_on: Any) -> None:
    """Go on running a coroutine whose first step was taken by hand. It yielded the asyncio
    future it waits on (a bare yield gives None: the loop is simply given a turn)."""
    while True:
        try:
            if isinstance(waiting_on, asyncio.Future):
                # Its outcome is read by the coroutine itself when resumed (Future.__await__).
                await asyncio.wait([waiting_on])
            else:
                await asyncio.sleep(0)
        except asyncio.CancelledError as error:  # let the coroutine clean up
            try:
                waiting_on = coroutine.throw(error)
            except StopIteration:
                return
            continue
        try:
            waiting_on = coroutine.send(None)
        except StopIteration:
            return


class NotStarted(_Flow):
    """A connection's writer before its response has started: takes nothing."""

    def __init__(self) -> None:
        super().__init__()
        self.closed = True

    def write(self, data: bytes) -> None:
        pass

    def release(self) -> None:
        pass


def writer_for(send: AsgiSend) -> Writer:
    return TwistedWriter.for_send(send) or AsgiWriter(send)

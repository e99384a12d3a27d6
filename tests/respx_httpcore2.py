"""respx for the HTTPX2 stack the official model SDKs use.

The openai (3.x) and anthropic (2.x) SDKs send requests through HTTPX2 and its httpcore2
connection pool, which respx (written for HTTPX) does not patch out of the box. `HTTPCore2Mocker`
teaches respx to: it patches httpcore2's pools exactly as respx's own `httpcore` mocker patches
httpcore's, so the SDKs run unmodified (their retries, timeouts, SSE parsing) and only the socket
is replaced. Use it with `respx.mock(using="httpcore2")`; a request no route matches fails the
test, so nothing reaches the network.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import httpcore2
import httpx
from respx.mocks import AbstractRequestMocker
from respx.patterns import parse_url


class HTTPCore2Mocker(AbstractRequestMocker):
    name = "httpcore2"
    targets = [
        "httpcore2._sync.connection.HTTPConnection",
        "httpcore2._sync.connection_pool.ConnectionPool",
        "httpcore2._sync.http_proxy.HTTPProxy",
        "httpcore2._async.connection.AsyncHTTPConnection",
        "httpcore2._async.connection_pool.AsyncConnectionPool",
        "httpcore2._async.http_proxy.AsyncHTTPProxy",
    ]
    target_methods = ["handle_request", "handle_async_request"]

    @classmethod
    def prepare_sync_request(cls, httpx_request, **kwargs):
        httpx_request, kwargs = super().prepare_sync_request(httpx_request, **kwargs)
        kwargs["request"].stream = httpx_request.stream
        return httpx_request, kwargs

    @classmethod
    def to_httpx_request(cls, **kwargs):
        request = kwargs["request"]
        method = request.method.decode("ascii")
        raw_url = (request.url.scheme, request.url.host, request.url.port, request.url.target)
        return httpx.Request(
            method,
            parse_url(raw_url),
            headers=request.headers,
            stream=_Body(request.stream),
            extensions=request.extensions,
        )

    @classmethod
    def from_sync_httpx_response(cls, httpx_response, target, **kwargs):
        return httpcore2.Response(
            status=httpx_response.status_code,
            headers=httpx_response.headers.raw,
            content=httpx_response.stream,
            extensions=httpx_response.extensions,
        )


class _Body(httpx.SyncByteStream):
    def __init__(self, chunks: Iterable[bytes]) -> None:
        self._chunks = chunks

    def __iter__(self) -> Iterator[bytes]:
        yield from self._chunks

"""One GET to a scholarly index, with the failures a person can understand.

Every way an index can be unavailable — no DNS, a refused connection, a timeout, a 5xx, a 429 that
outlasts our patience, a body we cannot read — becomes `IndexUnavailable(index, reason)`, so that a
caller handles one exception and a run never fails because an index is down. 429 and 5xx answers
are retried a bounded number of times, waiting as long as `Retry-After` asks (up to a cap).
"""

from __future__ import annotations

import contextlib
import email.utils
import logging
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
from django.conf import settings

logger = logging.getLogger(__name__)

Sleep = Callable[[float], None]
_RETRIED = {429, 500, 502, 503, 504}
_VERSION = "0.1"


class IndexUnavailable(Exception):
    """An index could not answer; `reason` says why in words a writer can read."""

    def __init__(self, index: str, reason: str) -> None:
        super().__init__(f"{index}: {reason}")
        self.index = index
        self.reason = reason


def user_agent() -> str:
    """Crossref, OpenAlex and arXiv ask clients to say who they are and how to reach them."""
    email_address = settings.CONTACT_EMAIL
    suffix = f" (https://github.com/handywriterz; mailto:{email_address})" if email_address else ""
    return f"HandyWriterz/{_VERSION}{suffix}"


@contextlib.contextmanager
def client_for(client: httpx.Client | None) -> Iterator[httpx.Client]:
    """The caller's client, or a short-lived one of our own (closed afterwards)."""
    if client is not None:
        yield client
        return
    with httpx.Client(follow_redirects=True) as own:
        yield own


def get(
    index: str,
    url: str,
    *,
    client: httpx.Client,
    timeout: float,
    params: Mapping[str, str | int] | None = None,
    headers: Mapping[str, str] | None = None,
    allow: frozenset[int] = frozenset(),
    sleep: Sleep = time.sleep,
) -> httpx.Response:
    """GET `url`; a 2xx answer or a status listed in `allow` (e.g. a 404 that means "no such
    DOI") is returned, anything else raises IndexUnavailable after bounded retries."""
    host = urlsplit(url).hostname or url
    attempts = 1 + int(settings.SCHOLARLY_RETRIES)
    max_wait = float(settings.SCHOLARLY_MAX_RETRY_WAIT)
    all_headers = {"User-Agent": user_agent(), **(headers or {})}
    for attempt in range(1, attempts + 1):
        try:
            response = client.get(url, params=params, headers=all_headers, timeout=timeout)
        except httpx.TimeoutException:
            raise IndexUnavailable(index, f"{host} timed out after {timeout:g} s") from None
        except httpx.TransportError as error:
            raise IndexUnavailable(index, f"could not reach {host}: {_why(error)}") from None
        status = response.status_code
        if response.is_success or status in allow:
            return response
        if status not in _RETRIED:
            raise IndexUnavailable(index, f"{host} answered {status} {response.reason_phrase}")
        wait = _retry_after(response, default=float(2 ** (attempt - 1)))
        if attempt == attempts:
            what = "rate-limited us (429)" if status == 429 else f"answered {status}"
            raise IndexUnavailable(index, f"{host} {what} {attempts} times; gave up")
        if wait > max_wait:
            raise IndexUnavailable(
                index,
                f"{host} answered {status} and asked us to wait {wait:g} s "
                f"(more than the {max_wait:g} s we wait)",
            )
        logger.info("scholarly index=%s status=%s retry_in=%.1fs", index, status, wait)
        sleep(wait)
    raise AssertionError("unreachable")  # pragma: no cover - the loop returns or raises


def json_body(index: str, response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        host = response.request.url.host
        raise IndexUnavailable(index, f"{host} answered with a body that is not JSON") from None


def _retry_after(response: httpx.Response, *, default: float) -> float:
    """Retry-After as seconds or as an HTTP date (RFC 9110 §10.2.3); `default` when absent."""
    raw = response.headers.get("Retry-After", "").strip()
    if not raw:
        return default
    if raw.isdigit():
        return float(raw)
    try:
        when = email.utils.parsedate_to_datetime(raw)
    except (TypeError, ValueError):
        return default
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    wait: float = (when - datetime.now(UTC)).total_seconds()
    return max(0.0, wait)


def _why(error: httpx.TransportError) -> str:
    text = str(error)
    lowered = text.lower()
    dns = (
        "name or service not known",
        "nodename nor servname",
        "temporary failure in name resolution",
        "getaddrinfo failed",
        "no address associated",
        "name resolution",
    )
    if any(marker in lowered for marker in dns):
        return "DNS lookup failed"
    if "connection refused" in lowered or "errno 111" in lowered:
        return "connection refused"
    if "network is unreachable" in lowered:
        return "network unreachable"
    return text or type(error).__name__

"""Every way an index can fail becomes IndexUnavailable with a reason a person can read."""

from __future__ import annotations

import email.utils
import time

import httpx
import pytest

from apps.scholarly import http, openalex, semantic_scholar
from tests.scholarly.conftest import OPENALEX, S2, fixture_bytes, fixture_json

WORKS = f"{OPENALEX}/works"


def _get(client, sleep, url=WORKS):
    return http.get("openalex", url, client=client, timeout=3, sleep=sleep)


def test_429_with_retry_after_is_retried_after_the_wait_it_asks(scholarly, indexes, sleeps):
    # The recorded 429 carried no Retry-After; this test adds one to the recorded body.
    route = indexes.get(f"{S2}/paper/search").mock(
        side_effect=[
            httpx.Response(
                429,
                content=fixture_bytes("semantic_scholar_429.json"),
                headers={"Retry-After": "7"},
            ),
            httpx.Response(200, json=fixture_json("semantic_scholar_paper_search_turing.json")),
        ]
    )
    records = semantic_scholar.search("turing", limit=8, sleep=sleeps)
    assert len(records) == 8
    assert route.call_count == 2
    assert sleeps.waits == [7.0]


def test_429_without_retry_after_backs_off_exponentially(scholarly, indexes, sleeps):
    indexes.get(f"{S2}/paper/search").mock(
        side_effect=[
            httpx.Response(429, content=fixture_bytes("semantic_scholar_429.json")),
            httpx.Response(429, content=fixture_bytes("semantic_scholar_429.json")),
            httpx.Response(200, json=fixture_json("semantic_scholar_paper_search_turing.json")),
        ]
    )
    assert len(semantic_scholar.search("turing", limit=2, sleep=sleeps)) == 2
    assert sleeps.waits == [1.0, 2.0]


def test_retry_after_as_an_http_date_is_honoured(scholarly, indexes, sleeps):
    scholarly.SCHOLARLY_MAX_RETRY_WAIT = 60
    when = email.utils.formatdate(time.time() + 30, usegmt=True)
    indexes.get(WORKS).mock(
        side_effect=[
            httpx.Response(503, headers={"Retry-After": when}),
            httpx.Response(200, json={}),
        ]
    )
    with httpx.Client() as client:
        assert _get(client, sleeps).status_code == 200
    assert 25 < sleeps.waits[0] <= 30


def test_429_that_persists_gives_up_after_the_bounded_retries(scholarly, indexes, sleeps):
    route = indexes.get(f"{S2}/paper/search").respond(
        429, content=fixture_bytes("semantic_scholar_429.json"), headers={"Retry-After": "1"}
    )
    with pytest.raises(http.IndexUnavailable) as failure:
        semantic_scholar.search("turing", limit=2, sleep=sleeps)
    assert route.call_count == 3  # SCHOLARLY_RETRIES = 2
    assert sleeps.waits == [1.0, 1.0]
    assert failure.value.index == "semantic_scholar"
    assert failure.value.reason == "api.semanticscholar.org rate-limited us (429) 3 times; gave up"


def test_a_retry_after_longer_than_we_wait_gives_up_at_once(scholarly, indexes, sleeps):
    scholarly.SCHOLARLY_MAX_RETRY_WAIT = 10
    indexes.get(WORKS).respond(429, headers={"Retry-After": "3600"})
    with httpx.Client() as client, pytest.raises(http.IndexUnavailable, match="wait 3600 s"):
        _get(client, sleeps)
    assert sleeps.waits == []


def test_a_timeout_says_how_long_we_waited(scholarly, indexes):
    indexes.get(WORKS).mock(side_effect=httpx.ReadTimeout("timed out"))
    scholarly.OPENALEX_TIMEOUT = 10
    with pytest.raises(http.IndexUnavailable) as failure:
        openalex.search("anything", limit=3)
    assert failure.value.reason == "api.openalex.org timed out after 10 s"


def test_dns_failure_says_the_host_could_not_be_found(scholarly, indexes):
    indexes.get(WORKS).mock(side_effect=httpx.ConnectError("[Errno -2] Name or service not known"))
    with pytest.raises(http.IndexUnavailable) as failure:
        openalex.search("anything", limit=3)
    assert failure.value.reason == "could not reach api.openalex.org: DNS lookup failed"


def test_a_refused_connection_says_so(scholarly, indexes):
    indexes.get(WORKS).mock(side_effect=httpx.ConnectError("[Errno 111] Connection refused"))
    with pytest.raises(
        http.IndexUnavailable, match=r"could not reach api\.openalex\.org: connection refused"
    ):
        openalex.search("anything", limit=3)


def test_a_5xx_that_persists_names_the_status(scholarly, indexes, sleeps):
    route = indexes.get(WORKS).respond(502)
    with pytest.raises(http.IndexUnavailable, match=r"api\.openalex\.org answered 502 3 times"):
        openalex.search("anything", limit=3, sleep=sleeps)
    assert route.call_count == 3


def test_a_refusal_is_not_retried(scholarly, indexes, sleeps):
    route = indexes.get(WORKS).respond(403, json={"error": "API key required"})
    with pytest.raises(http.IndexUnavailable, match=r"api\.openalex\.org answered 403 Forbidden"):
        openalex.search("anything", limit=3, sleep=sleeps)
    assert route.call_count == 1


def test_a_body_that_is_not_json_is_unavailable_not_a_crash(scholarly, indexes):
    indexes.get(WORKS).respond(200, content=b"<html>maintenance</html>")
    with pytest.raises(http.IndexUnavailable, match="not JSON"):
        openalex.search("anything", limit=3)

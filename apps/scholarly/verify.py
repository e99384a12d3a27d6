"""Check each record against the registry of its DOI before anything cites it.

- A record with a DOI is compared with Crossref's record for that DOI: title similarity of at
  least TITLE_SIMILARITY after normalisation (rapidfuzz's normalised Indel ratio), publication
  year within YEAR_TOLERANCE, the same first-author family name. Any difference: MISMATCH.
- A DOI Crossref does not register (404) is checked against the record's own index: an arXiv
  DataCite DOI (10.48550/arXiv.<id>) must name the arXiv id the index reported. Otherwise the
  record stays UNVERIFIED ("not registered with Crossref").
- Retracted in any index (OpenAlex `is_retracted`) or by Crossref (`updated-by` of a retracting
  type): RETRACTED, whatever else matches.
- No DOI, or Crossref unreachable: UNVERIFIED (citable, and shown as unchecked).
"""

from __future__ import annotations

import contextvars
import dataclasses
import logging
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import CancelledError, ThreadPoolExecutor, as_completed
from concurrent.futures import TimeoutError as FuturesTimeout

import httpx
from django.conf import settings
from rapidfuzz import fuzz

from apps.scholarly import cache, crossref, http
from apps.scholarly.records import (
    ARXIV_DOI_PREFIX,
    Record,
    Verification,
    first_family,
    normalise_title,
)

logger = logging.getLogger(__name__)

TITLE_SIMILARITY = 0.9
YEAR_TOLERANCE = 1
# Crossref limits how many requests a client has in flight at once: three in its polite pool
# (requests that carry a contact address, CONTACT_EMAIL), one in the public pool.
POLITE_LOOKUPS_AT_ONCE = 3


def verify_records(
    records: Sequence[Record],
    *,
    known: Mapping[str, Record] | None = None,
    client: httpx.Client | None = None,
    sleep: http.Sleep = time.sleep,
    deadline: float | None = None,
) -> list[Record]:
    """`records` with their verification state set. `known` maps DOIs to Crossref records
    already in hand (from a Crossref search in the same run), which saves their lookups.
    Past `deadline` (a time.monotonic() value) the rest are left unverified, unchecked."""
    known = dict(known or {})
    wanted = list(
        dict.fromkeys(r.doi for r in records if r.doi and not r.is_retracted and r.doi not in known)
    )
    with http.client_for(client) as c:
        fetched, missed = _fetch_works(wanted, client=c, sleep=sleep, deadline=deadline)
    out = []
    for record in records:
        if record.is_retracted:
            out.append(_with(record, Verification.RETRACTED, "marked retracted by its index"))
        elif not record.doi:
            out.append(_with(record, Verification.UNVERIFIED, "no DOI to check"))
        elif record.doi in known:
            out.append(check(record, known[record.doi]))
        elif record.doi in fetched:
            out.append(check(record, fetched[record.doi]))
        else:
            out.append(_with(record, Verification.UNVERIFIED, missed[record.doi]))
    return out


def _fetch_works(
    dois: Sequence[str], *, client: httpx.Client, sleep: http.Sleep, deadline: float | None
) -> tuple[dict[str, Record | None], dict[str, str]]:
    """Crossref's record (None: not registered) of each DOI it answered for, and why each other
    one was not checked. The first is asked alone: when Crossref is down, that one try says so
    for all of them. The rest are asked several at a time where Crossref allows it (its polite
    pool), not one after another: each lookup is a round trip to Crossref, and a run's dozen
    candidates took a dozen in a row."""
    fetched: dict[str, Record | None] = {}
    missed: dict[str, str] = {}
    out_of_time = "not checked: scholarly search ran out of time"

    def look_up(doi: str) -> Record | None:
        return crossref_work(doi, client=client, sleep=sleep)

    if not dois:
        return fetched, missed
    first, rest = dois[0], list(dois[1:])
    if deadline is not None and time.monotonic() > deadline:
        return fetched, dict.fromkeys(dois, out_of_time)
    try:
        fetched[first] = look_up(first)
    except http.IndexUnavailable as error:
        return fetched, dict.fromkeys(dois, f"not checked: Crossref unavailable ({error.reason})")
    if not rest:
        return fetched, missed
    at_once = POLITE_LOOKUPS_AT_ONCE if settings.CONTACT_EMAIL else 1
    pool = ThreadPoolExecutor(max_workers=at_once, thread_name_prefix="crossref")
    futures = {pool.submit(contextvars.copy_context().run, look_up, doi): doi for doi in rest}
    timeout = None if deadline is None else max(0.0, deadline - time.monotonic())
    try:
        for future in as_completed(futures, timeout=timeout):
            doi = futures[future]
            try:
                fetched[doi] = future.result()
            except http.IndexUnavailable as error:
                missed[doi] = f"not checked: Crossref unavailable ({error.reason})"
                for waiting in futures:  # once Crossref fails, stop asking it
                    waiting.cancel()
            except CancelledError:
                pass
    except FuturesTimeout:
        pass
    finally:
        pool.shutdown(wait=False, cancel_futures=True)
    reason = next(iter(missed.values()), out_of_time)
    for doi in rest:
        if doi not in fetched and doi not in missed:
            missed[doi] = reason
    return fetched, missed


def crossref_work(
    doi: str, *, client: httpx.Client | None = None, sleep: http.Sleep = time.sleep
) -> Record | None:
    """Crossref's record for `doi` through the cache (a 404 is remembered as well)."""
    return cache.cached_work(
        crossref.INDEX, doi, lambda: crossref.work(doi, client=client, sleep=sleep)
    )


def check(record: Record, registered: Record | None) -> Record:
    """`record` judged against `registered`, Crossref's record for its DOI (None: a 404)."""
    if registered is None:
        return _unregistered(record)
    if registered.is_retracted:
        return _with(record, Verification.RETRACTED, f"Crossref lists a retraction of {record.doi}")
    problems = differences(record, registered)
    if problems:
        return _with(
            record,
            Verification.MISMATCH,
            f"Crossref's record for {record.doi}: " + "; ".join(problems),
        )
    return _enriched(_with(record, Verification.VERIFIED, "matches Crossref"), registered)


def differences(record: Record, registered: Record) -> list[str]:
    problems = []
    similarity = title_similarity(record.title, registered.title)
    if similarity < TITLE_SIMILARITY:
        problems.append(f"another title ({registered.title!r}, similarity {similarity:.2f})")
    if record.year and registered.year and abs(record.year - registered.year) > YEAR_TOLERANCE:
        problems.append(f"another year ({registered.year})")
    ours, theirs = first_family(record.authors), first_family(registered.authors)
    # Either side may lack authors (Crossref's reference entries often do): nothing to compare.
    if ours and theirs and not _same_family(ours, theirs):
        problems.append(f"another first author ({registered.authors[0].get('family', theirs)})")
    return problems


def title_similarity(a: str, b: str) -> float:
    return float(fuzz.ratio(normalise_title(a), normalise_title(b))) / 100


def _same_family(a: str, b: str) -> bool:
    # "alex perkins" (Crossref put the whole name in family) is still Perkins.
    return a == b or a.split()[-1] == b.split()[-1]


def _unregistered(record: Record) -> Record:
    assert record.doi
    if record.doi.startswith(ARXIV_DOI_PREFIX):
        suffix = record.doi.removeprefix(ARXIV_DOI_PREFIX)
        if record.arxiv_id and record.arxiv_id.lower() == suffix:
            return _with(record, Verification.VERIFIED, "arXiv DOI matches its arXiv record")
        return _with(
            record, Verification.MISMATCH, f"arXiv DOI {record.doi} names another arXiv record"
        )
    return _with(record, Verification.UNVERIFIED, f"{record.doi} is not registered with Crossref")


def _with(record: Record, state: Verification, note: str) -> Record:
    return dataclasses.replace(record, verification=state, verification_note=note)


def _enriched(record: Record, registered: Record) -> Record:
    """A verified record takes what Crossref knows and it lacks; a preprint whose journal DOI
    verified takes the journal's venue, so it is cited as the published article."""
    if record.csl_type == "article" and registered.csl_type != "article":
        return dataclasses.replace(
            record,
            container=registered.container or record.container,
            volume=registered.volume,
            issue=registered.issue,
            pages=registered.pages,
            year=registered.year or record.year,
            csl_type=registered.csl_type,
        )
    return dataclasses.replace(
        record,
        container=record.container or registered.container,
        volume=record.volume or registered.volume,
        issue=record.issue or registered.issue,
        pages=record.pages or registered.pages,
    )

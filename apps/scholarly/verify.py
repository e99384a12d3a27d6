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

import dataclasses
import logging
import time
from collections.abc import Mapping, Sequence

import httpx
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
    unavailable: str | None = None  # once Crossref is down, stop asking for every record
    out = []
    with http.client_for(client) as c:
        for record in records:
            if record.is_retracted:
                out.append(_with(record, Verification.RETRACTED, "marked retracted by its index"))
                continue
            if not record.doi:
                out.append(_with(record, Verification.UNVERIFIED, "no DOI to check"))
                continue
            if deadline is not None and not unavailable and time.monotonic() > deadline:
                unavailable = "not checked: scholarly search ran out of time"
            if unavailable:
                out.append(_with(record, Verification.UNVERIFIED, unavailable))
                continue
            try:
                registered = known.get(record.doi) or crossref_work(
                    record.doi, client=c, sleep=sleep
                )
            except http.IndexUnavailable as error:
                unavailable = f"not checked: Crossref unavailable ({error.reason})"
                out.append(_with(record, Verification.UNVERIFIED, unavailable))
                continue
            out.append(check(record, registered))
    return out


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

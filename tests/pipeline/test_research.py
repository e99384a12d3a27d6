"""The research step with scholarly search: indexes answered at the HTTP layer with their recorded
bodies (tests/scholarly/fixtures), the model by the fake server. A writer with no files gets a
piece cited from verified records; an index that is down costs only its own records."""

from __future__ import annotations

import httpx
import pytest

from apps.conversations.models import Run
from apps.conversations.services import execution, sources, starting
from apps.files.models import FileKind, LibraryEntry
from apps.files.tasks import extract_file
from apps.streaming.models import RunEvent
from tests.citations.checks import problems, split
from tests.factories import WritingRequestFactory
from tests.fakes.llm_server import fake_model
from tests.scholarly.conftest import (  # noqa: F401 (fixtures)
    ARXIV,
    CROSSREF,
    OPENALEX,
    S2,
    four_indexes,
    indexes,
    scholarly,
)

PROMPT = (
    "Write a literature review on ecological forecasting under uncertainty and on the Turing "
    "test for large language models."
)


def _run(user, *, style: str = "apa7", model: str | None = None, prompt: str = PROMPT) -> Run:
    request = WritingRequestFactory(
        prompt=prompt,
        citation_style=style,
        target_word_count=600,
        model=model or fake_model("obeys"),
    )
    run = starting.run_submit(user=user, request=request, conversation=None)
    finished = execution.run_execute(run_id=run.id)
    assert finished is not None
    assert finished.status == Run.Status.SUCCEEDED, finished.error_message
    return finished


def _research_events(run: Run) -> list[dict]:
    return [e.payload for e in RunEvent.objects.filter(run=run, type="research").order_by("seq")]


def test_with_no_files_the_piece_is_cited_from_found_and_checked_records(
    user,
    fake_llm_configured,
    four_indexes,  # noqa: F811
):
    run = _run(user)
    document = run.result_message.content if run.result_message else ""
    assert problems(document, "apa7") == []
    _, references = split(document, "apa7")
    assert len(references) >= 3
    quality = run.quality_report
    found = [s for s in quality["sources"] if s["origin"] != "upload"]
    assert found
    assert {s["verification"] for s in found} <= {"verified", "unverified"}
    # Every listed reference is one of the records retrieved for this run.
    cited = [s for s in quality["sources"] if s["cited"]]
    assert len(cited) == len(references)
    titles = " ".join(references)
    for source in cited:
        assert source["title"].split(":")[0][:30].lower() in titles.lower()
    # Each index reported live: started, then completed with what it found.
    agents = {e["agent"]: e for e in _research_events(run) if e["status"] == "completed"}
    assert {"openalex", "crossref", "arxiv", "semantic_scholar"} <= set(agents)
    assert agents["semantic_scholar"]["sources_found"] > 0
    assert quality["research"]["scholarly_offline"] is False


def test_a_retracted_work_is_never_cited_and_is_shown_with_a_warning(
    user,
    fake_llm_configured,
    scholarly,  # noqa: F811
    indexes,  # noqa: F811
):
    from tests.scholarly.conftest import crossref_registers_nothing, fixture_json

    indexes.get(f"{OPENALEX}/works").respond(
        json=fixture_json("openalex_works_search_retracted.json")
    )
    indexes.get(f"{CROSSREF}/works").respond(
        json=fixture_json("crossref_works_query_boettiger.json")
    )
    indexes.get(f"{ARXIV}/query").mock(side_effect=httpx.ConnectError("DNS lookup failed"))
    indexes.get(f"{S2}/paper/search").respond(
        json=fixture_json("semantic_scholar_paper_search_turing.json")
    )
    crossref_registers_nothing(indexes)
    run = _run(user, style="harvard", prompt=PROMPT + " Include the open access literature.")
    quality = run.quality_report
    rejected = quality["research"]["rejected"]
    assert [w["verification"] for w in rejected] == ["retracted"]
    title = rejected[0]["title"]
    assert title not in run.result_message.content  # type: ignore[union-attr]
    assert all(s["title"] != title for s in quality["sources"])
    failed = [e for e in _research_events(run) if e["status"] == "failed"]
    assert [e["agent"] for e in failed] == ["arxiv"]
    assert "DNS" in failed[0]["query"]
    assert problems(run.result_message.content, "harvard") == []  # type: ignore[union-attr]


def test_with_every_index_down_the_run_succeeds_and_says_it_searched_nothing(
    user,
    fake_llm_configured,
    scholarly,  # noqa: F811
    indexes,  # noqa: F811
    auth_client,
):
    indexes.route(host__regex=r".*").mock(side_effect=httpx.ConnectError("DNS lookup failed"))
    run = _run(user)
    assert run.quality_report["research"]["scholarly_offline"] is True
    assert run.quality_report["sources_retrieved"] == 0
    page = auth_client.get(f"/conversations/{run.conversation_id}/").content.decode()
    assert "Written without scholarly search" in page


def test_an_offline_draft_from_found_works_says_it_quotes_them_not_the_writers_material(
    user,
    four_indexes,  # noqa: F811
):
    run = _run(user, model="offline")
    body = run.result_message.content  # type: ignore[union-attr]
    assert run.quality_report["sources_retrieved"] > 0
    assert "quotes the passages of the works scholarly search found" in body
    assert "your material" not in body.split("\n\n", 2)[1]


def test_when_no_work_found_is_on_the_subject_the_page_says_why_nothing_is_cited(
    user,
    fake_llm_configured,
    four_indexes,  # noqa: F811
    auth_client,
):
    """The recorded answers are on open access, ecology, Turing tests and software testing:
    none is on urban heat islands, though some share a word with the request."""
    run = _run(user, prompt="Write an essay on how cities can reduce urban heat islands.")
    assert run.quality_report["sources_retrieved"] == 0
    assert "References" not in run.result_message.content  # type: ignore[union-attr]
    page = auth_client.get(f"/conversations/{run.conversation_id}/").content.decode()
    assert "Nothing to cite: the indexes returned" in page
    assert "none of them on the subject of your request" in page


def test_an_excluded_source_is_neither_cited_nor_listed_in_the_new_version(
    user,
    fake_llm_configured,
    four_indexes,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    first = _run(user, style="ieee")
    cited = [s for s in first.quality_report["sources"] if s["cited"]]
    excluded = cited[0]
    with django_capture_on_commit_callbacks(execute=False):
        second = sources.source_exclude(run=first, key=excluded["key"])
    finished = execution.run_execute(run_id=second.id)
    assert finished is not None
    assert finished.status == Run.Status.SUCCEEDED
    assert all(s["key"] != excluded["key"] for s in finished.quality_report["sources"])
    document = finished.result_message.content  # type: ignore[union-attr]
    assert excluded["title"] not in document
    assert problems(document, "ieee") == []
    assert finished.quality_report["research"]["excluded"] == [excluded["key"]]


def test_a_found_record_can_be_saved_to_the_writers_library(
    user,
    fake_llm_configured,
    four_indexes,  # noqa: F811
    media_root,
    django_capture_on_commit_callbacks,
):
    run = _run(user)
    found = next(s for s in run.quality_report["sources"] if s["csl"])
    with django_capture_on_commit_callbacks(execute=False):
        file = sources.source_save(run=run, key=found["key"])
    assert file.owner_id == user.id
    assert file.kind == FileKind.CSL_JSON
    # Read by the same extraction as any upload: the record is now a library entry.
    extract_file.apply(args=(str(file.id),))
    entry = LibraryEntry.objects.get(file=file)
    assert entry.title == found["title"]
    assert entry.year == found["year"]


@pytest.mark.parametrize("view", ["source_exclude", "source_save"])
def test_another_writers_run_is_a_404(view, other_client, user):
    from tests.factories import RunFactory

    run = RunFactory(conversation__user=user)
    response = other_client.post(f"/conversations/runs/{run.id}/sources/{view[7:]}/", {"key": "x"})
    assert response.status_code == 404


@pytest.mark.parametrize("view", ["exclude", "save"])
def test_an_unknown_source_key_is_a_404(view, auth_client, user):
    from tests.factories import RunFactory

    run = RunFactory(conversation__user=user, quality_report={"sources": []})
    response = auth_client.post(f"/conversations/runs/{run.id}/sources/{view}/", {"key": "x"})
    assert response.status_code == 404

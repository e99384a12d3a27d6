"""Every way a model can misbehave with citations, through the whole pipeline (in this process,
against the fake model server over real HTTP in each provider's wire format): what the writer
finally reads must be right whatever the model did."""

from __future__ import annotations

import pytest

from apps.conversations.models import Run
from apps.streaming.models import RunEvent
from tests.citations.checks import HEX_KEY, problems
from tests.citations.material import attach_material
from tests.citations.runs import streamed_text, write

PROMPT = "Write an essay on urban heat islands: their causes, health effects and mitigation."
STYLES = ["apa7", "harvard", "mla9", "chicago_author_date", "ieee"]
PROVIDERS = ["openai", "anthropic", "compatible"]


def _removed(run: Run) -> dict[str, int]:
    return dict(run.quality_report["citations_removed_by_kind"])


def _check(run: Run, style: str) -> str:
    document = run.result_message.content if run.result_message else ""
    assert problems(document, style) == []
    assert run.quality_report["citations_ok"] is True, run.quality_report
    streamed, shown = streamed_text(run)
    assert streamed == document
    for text in shown:  # no moment of the live draft shows a handle
        assert "[S" not in text
    return document


# (behaviour, provider, style): every behaviour in some style through some wire format, and every
# style and every wire format at least twice.
CASES = [
    ("obeys", "openai", "apa7"),
    ("obeys", "anthropic", "harvard"),
    ("obeys", "compatible", "mla9"),
    ("obeys", "openai", "chicago_author_date"),
    ("obeys", "anthropic", "ieee"),
    ("invents-handles", "compatible", "apa7"),
    ("invents-authordate", "openai", "mla9"),
    ("invents-authordate", "anthropic", "apa7"),
    ("invents-numeric", "anthropic", "ieee"),
    ("own-references", "compatible", "harvard"),
    ("bad-page", "openai", "chicago_author_date"),
    ("html", "anthropic", "apa7"),
    ("instructions", "compatible", "ieee"),
    ("mixed", "openai", "mla9"),
]
EXPECTED_REMOVALS = {
    "invents-handles": {"unknown_handle"},
    "invents-authordate": {"invented_author_date"},
    "invents-numeric": {"invented_numeric"},
    "own-references": {"model_reference_list"},
    "bad-page": {"locator_not_in_source"},
    "html": {"markup", "external_image"},
}


@pytest.mark.parametrize(("behaviour", "provider", "style"), CASES)
def test_whatever_the_model_does_the_document_cites_only_listed_sources(
    user, fake_llm_configured, media_root, behaviour, provider, style
):
    files = attach_material(user)
    run = write(user, behaviour=behaviour, provider=provider, style=style, files=files)
    document = _check(run, style)
    removed = _removed(run)
    assert EXPECTED_REMOVALS.get(behaviour, set()) <= set(removed), removed
    if behaviour == "obeys":
        assert removed == {}
        assert run.quality_report["citations_resolved"] >= 5
        assert run.quality_report["support"]["share"] >= 0.9
    if behaviour == "html":
        for bad in ("<script", "<iframe", "<img", "evil.example"):
            assert bad not in document
    if behaviour == "invents-authordate":
        assert "(Smith, 2019)" not in document
    # The model was shown handles, never the works' keys.
    for request in fake_llm_configured.requests:
        assert "[S1]" in request.user
        assert not HEX_KEY.search(request.user)


def test_a_model_that_cites_nothing_gets_no_reference_list(user, fake_llm_configured, media_root):
    files = attach_material(user)
    run = write(user, behaviour="no-citations", provider="openai", style="apa7", files=files)
    document = _check(run, "apa7")
    assert "## References" not in document
    assert run.quality_report["references"] == 0
    assert run.quality_report["citations_resolved"] == 0


def test_with_no_sources_every_citation_the_model_makes_is_removed(user, fake_llm_configured):
    run = write(user, behaviour="mixed", provider="anthropic", style="harvard")
    document = _check(run, "harvard")
    assert "## Reference list" not in document
    assert run.quality_report["sources_retrieved"] == 0
    assert sum(_removed(run).values()) > 0
    assert "(none: make no citations)" in fake_llm_configured.requests[0].user


def test_instruction_like_text_is_written_as_text_and_changes_nothing(
    user, fake_llm_configured, media_root
):
    files = attach_material(user)
    run = write(user, behaviour="instructions", provider="openai", style="apa7", files=files)
    _check(run, "apa7")
    assert run.quality_report["word_count_ok"] is True
    # Each section was asked for once, plainly: the text did not steer what came next.
    assert all("<material>" in r.user for r in fake_llm_configured.requests)


def test_a_model_that_writes_far_too_little_is_told_so_plainly(user, fake_llm_configured):
    run = write(user, behaviour="too-short", provider="compatible", style="apa7", words=1500)
    quality = run.quality_report
    assert quality["word_count_ok"] is False
    assert quality["word_count"] < 1500 * 0.9
    done = RunEvent.objects.filter(run=run, type="done").get().payload
    assert done["message"].startswith("Draft complete, but")
    assert "short of the target" in done["message"]
    assert done["final_word_count"] == quality["word_count"] == run.word_count
    assert done["quality"] == quality


def test_a_model_that_writes_far_too_much_is_cut_to_the_target(user, fake_llm_configured):
    run = write(user, behaviour="too-long", provider="openai", style="ieee", words=1500)
    assert abs(run.quality_report["deviation"]) <= 0.10, run.quality_report["word_count"]


def test_a_continuation_that_repeats_itself_is_not_repeated_in_the_document(
    user, fake_llm_configured
):
    run = write(user, behaviour="repeats", provider="openai", style="apa7", words=900)
    document = run.result_message.content if run.result_message else ""
    sentences = [s.strip() for s in document.replace("\n", " ").split(". ") if len(s) > 40]
    assert len(sentences) == len(set(sentences))
    assert any(r.continuation for r in fake_llm_configured.requests)


@pytest.mark.parametrize("style", STYLES)
@pytest.mark.parametrize("words", [300, 1500, 6000])
def test_body_words_land_within_ten_percent_of_the_target(
    user, fake_llm_configured, media_root, style, words
):
    files = attach_material(user)
    run = write(user, behaviour="obeys", provider="openai", style=style, words=words, files=files)
    quality = run.quality_report
    assert abs(quality["word_count"] - words) <= words * 0.10, quality["word_count"]
    assert quality["word_count_ok"] is True
    _check(run, style)

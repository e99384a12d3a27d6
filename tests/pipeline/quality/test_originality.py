"""Copied spans: runs of SPAN_WORDS words shared with a retrieved passage, outside quotes."""

from __future__ import annotations

from apps.pipeline.quality.originality import METHOD, SPAN_WORDS, measure
from tests.factories import SourceFactory

PASSAGE = "Urban heat islands raise night temperatures in dense cities by several degrees."
SOURCES = [SourceFactory(excerpt=PASSAGE)]


def test_a_body_in_its_own_words_copies_nothing():
    result = measure("Cities are warmer than the countryside, most of all after dark.", SOURCES)
    assert (result.body_words, result.copied_words, result.spans) == (11, 0, ())
    assert result.share_copied == 0.0


def test_a_run_of_span_words_from_a_passage_is_flagged_with_its_words():
    body = "As noted, urban heat islands raise night temperatures in dense cities, a known effect."
    result = measure(body, SOURCES)
    assert result.spans == ("urban heat islands raise night temperatures in dense cities",)
    assert result.copied_words == 9
    assert result.body_words == 14


def test_a_shared_run_shorter_than_span_words_is_not_copying():
    seven = " ".join(PASSAGE.lower().split()[: SPAN_WORDS - 1])
    assert measure(f"We see that {seven} today.", SOURCES).copied_words == 0
    eight = " ".join(PASSAGE.lower().split()[:SPAN_WORDS])
    assert measure(f"We see that {eight} today.", SOURCES).copied_words == SPAN_WORDS


def test_case_and_punctuation_do_not_hide_a_copy():
    body = "URBAN heat-islands, raise night; temperatures in dense cities!"
    assert measure(body, SOURCES).copied_words == 9


def test_a_quotation_in_quotation_marks_is_declared_and_not_counted():
    curly = measure(f"One source says “{PASSAGE}” and we agree.", SOURCES)
    straight = measure(f'One source says "{PASSAGE}" and we agree.', SOURCES)
    assert (curly.copied_words, straight.copied_words) == (0, 0)
    assert curly.body_words == 6


def test_only_the_runs_own_passages_count():
    body = PASSAGE
    assert measure(body, []).copied_words == 0
    other = [SourceFactory(excerpt="Tariffs reduced steel imports from Asian exporters.")]
    assert measure(body, other).copied_words == 0


def test_two_separate_copies_are_two_spans():
    second = "Tariffs on steel reduced imports from Asian exporters over the decade."
    sources = [*SOURCES, SourceFactory(excerpt=second)]
    body = f"{PASSAGE} In between we write freely here. {second}"
    result = measure(body, sources)
    assert len(result.spans) == 2
    assert result.spans[1] == second.lower().rstrip(".")
    assert result.copied_words == 12 + 11


def test_the_report_gives_the_method_the_share_and_the_score():
    body = f"{PASSAGE} Then twelve more words of our own that nobody else wrote down."
    report = measure(body, SOURCES).as_dict()
    assert report["method"] == METHOD
    assert report["copied_words"] == 12
    assert report["share_copied"] == round(12 / 24, 4)
    assert report["score"] == 0.5
    assert report["spans"] == [PASSAGE.lower().rstrip(".")]


def test_an_empty_body_has_no_share_copied():
    assert measure("", SOURCES).share_copied == 0.0

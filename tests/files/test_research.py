from __future__ import annotations

from apps.core.text import search_tokens as tokens
from apps.files.research import rank_sources
from tests.files.builders import make_docx, make_pdf, store_ready

NOTES = (
    "Coral reefs bleach when sea temperatures stay high for weeks.\n\n"
    "Marine protected areas help reefs recover after bleaching events.\n\n"
    "Tourism income depends on healthy reefs in many island states."
)


def test_tokens_fold_plurals_and_drop_stopwords():
    assert tokens("The Algorithms and their Policies") == ["algorithm", "policy"]


def test_the_most_relevant_passages_come_first_and_trace_to_file_and_page(user):
    pdf = store_ready(user, "triage.pdf", make_pdf(metadata={"/Author": "Jane Smith"}))
    notes = store_ready(user, "reefs.txt", NOTES.encode())
    sources = rank_sources(
        file_ids=[pdf.id, notes.id], query="bias audits of triage models", limit=2
    )
    best = sources[0]
    assert "Bias audits" in best.excerpt
    assert (best.file_id, best.locator_label, best.locator) == (str(pdf.id), "page", "3")
    assert best.authors == ("Jane Smith",)
    assert best.csl["author"] == [{"family": "Smith", "given": "Jane"}]
    assert best.score > 0
    # The unrelated notes still contribute their best passage: the user attached them.
    assert any(s.file_id == str(notes.id) for s in sources)


def test_a_prompt_that_shares_no_words_still_gets_each_files_opening(user):
    pdf = store_ready(user, "triage.pdf", make_pdf())
    docx = store_ready(user, "interviews.docx", make_docx())
    sources = rank_sources(file_ids=[pdf.id, docx.id], query="the attached papers", limit=4)
    assert {s.file_id for s in sources} == {str(pdf.id), str(docx.id)}
    assert len(sources) >= 2


def test_only_the_given_ready_files_are_searched(user, other_user):
    mine = store_ready(user, "triage.pdf", make_pdf())
    theirs = store_ready(other_user, "reefs.txt", NOTES.encode())
    sources = rank_sources(file_ids=[mine.id], query="coral reefs bleaching", limit=5)
    assert sources
    assert all(s.file_id == str(mine.id) for s in sources)
    assert rank_sources(file_ids=[], query="anything", limit=5) == []
    assert theirs.chunks.exists()


def test_a_bibliography_record_is_quoted_by_its_abstract_only(user):
    from tests.files.builders import BIBTEX

    bib = store_ready(user, "refs.bib", BIBTEX.encode())
    sources = rank_sources(file_ids=[bib.id], query="machine learning triage", limit=4)
    smith = next(s for s in sources if s.title == "Machine Learning for Emergency Triage")
    assert (
        smith.excerpt == "We evaluate machine learning triage models in five emergency departments."
    )
    assert (smith.locator, smith.csl["container-title"]) == ("", "Journal of Emergency Medicine")
    who = next(s for s in sources if s.title.startswith("Ethics and Governance"))
    assert who.excerpt == ""  # no abstract: citable, but nothing to quote

"""The offline writer cites like a model is asked to, through the same resolution: its drafts
keep every citation listed, every listing cited, and every quotation verbatim on its page."""

from __future__ import annotations

import re

import pytest

from tests.citations.checks import problems
from tests.citations.material import LIBRARY, REPORT_PAGES, attach_material
from tests.citations.runs import write

STYLES = ["apa7", "harvard", "mla9", "chicago_author_date", "ieee"]
_QUOTE = re.compile(r"“([^”]+)”\s*(\([^()]*\)|\[[^\]]*\])")
# The page a citation gives, in any of the styles: "p. 3", Chicago's ", 3)", MLA's " 3)".
_PAGE = re.compile(r"(?:p\.|pp\.)\s*(\d+)|,\s*(\d{1,3})\)$|\s(\d{1,3})\)$")


def _plain(text: str) -> str:
    """Markdown escapes and white space aside, as a reader sees the words."""
    return " ".join(re.sub(r"\\(.)", r"\1", text).replace("‘", "“").replace("’", "”").split())


def _abstracts() -> str:
    return " ".join(LIBRARY.split())


@pytest.mark.parametrize("style", STYLES)
def test_offline_drafts_quote_verbatim_and_cite_only_listed_sources(user, media_root, style):
    files = attach_material(user)
    run = write(user, behaviour=None, provider="openai", style=style, words=800, files=files)
    document = run.result_message.content if run.result_message else ""
    assert problems(document, style) == []
    quality = run.quality_report
    assert quality["citations_ok"] is True
    assert quality["citations_removed"] == []
    assert quality["uncited_sources"] == []
    assert quality["citations_without_source"] == []
    quotes = _QUOTE.findall(document)
    assert len(quotes) >= 5
    for quote, citation in quotes:
        words = _plain(quote).rstrip(" …")
        page = _PAGE.search(citation)
        if page:  # only the report has pages: the quotation is on the page cited
            number = int(next(g for g in page.groups() if g))
            assert words in _plain(" ".join(REPORT_PAGES[number - 1])), (quote, citation)
        else:  # a library record: quoted from its abstract
            assert words in _plain(_abstracts()), (quote, citation)
    # The note says how long the draft really is.
    assert f"{quality['word_count']:,} words (target 800)" in document

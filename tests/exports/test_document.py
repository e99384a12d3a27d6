from __future__ import annotations

import pytest

from apps.exports.document import (
    Code,
    Heading,
    ListBlock,
    Paragraph,
    Quote,
    Span,
    Table,
    parse_document,
)
from devtools.sample_documents import TITLE, sample_document
from tests.exports.conftest import STYLES

PIPELINE_SHAPE = """# Algorithmic triage: trust and bias

*Essay, 600 words in 2 sections. Written offline, without an AI model.*

## 1. Introduction

*Frame the question and state the thesis.*

One passage states: “Bias audits found bias” (Smith, 2020, p. 3).

> A quoted passage, set apart.

## 2. Conclusion

- first point with **bold** and *italic*
- second point

3. third
4. fourth

| Measure | Value |
|---|---|
| wait | 12 min |

```
code stays as written
```

## References

Khan, A. (2022). *Nurses and automated triage*.

Smith, J. (2020). *Algorithmic triage*.
"""


def test_parses_title_note_sections_and_references():
    document = parse_document(PIPELINE_SHAPE)
    assert document.title == "Algorithmic triage: trust and bias"
    assert [n.text for n in document.notes] == [
        "Essay, 600 words in 2 sections. Written offline, without an AI model."
    ]
    assert document.outline == ["1. Introduction", "2. Conclusion"]
    assert document.references_heading == "References"
    assert [tuple(s.text for s in entry) for entry in document.references] == [
        ("Khan, A. (2022). ", "Nurses and automated triage", "."),
        ("Smith, J. (2020). ", "Algorithmic triage", "."),
    ]
    assert document.references[0][1] == Span("Nurses and automated triage", italic=True)


def test_keeps_the_blocks_of_a_section():
    document = parse_document(PIPELINE_SHAPE)
    intro, conclusion = document.sections
    assert isinstance(intro.blocks[0], Paragraph)
    assert intro.blocks[0].spans[0].italic
    assert isinstance(intro.blocks[2], Quote)
    bullets, numbered, table, code = conclusion.blocks
    assert isinstance(bullets, ListBlock)
    assert not bullets.ordered
    first = bullets.items[0][0]
    assert isinstance(first, Paragraph)
    assert Span("bold", bold=True) in first.spans
    assert Span("italic", italic=True) in first.spans
    assert isinstance(numbered, ListBlock)
    assert numbered.ordered
    assert numbered.start == 3
    assert isinstance(table, Table)
    assert table.rows[0][1][0].text == "12 min"
    assert isinstance(code, Code)
    assert code.text == "code stays as written"


@pytest.mark.parametrize("style", STYLES)
def test_finds_each_styles_reference_heading(style):
    document = parse_document(sample_document(style=style, references=7))
    assert document.title == TITLE
    assert len(document.references) == 7
    assert len(document.sections) == 5
    assert isinstance(document.sections[1].blocks[-2], Heading)


def test_a_partial_draft_keeps_what_was_written():
    document = parse_document("# Draft title\n\n## 1. Introduction\n\nThe first sentence was wri")
    assert document.outline == ["1. Introduction"]
    assert document.references == []
    assert document.sections[0].blocks == [Paragraph((Span("The first sentence was wri"),))]


def test_text_without_a_title_uses_the_fallback():
    document = parse_document("Just a paragraph.", fallback_title="The conversation")
    assert document.title == "The conversation"
    assert document.preamble == [Paragraph((Span("Just a paragraph."),))]

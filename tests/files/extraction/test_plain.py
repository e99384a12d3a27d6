"""Plain text and Markdown: paragraphs numbered, Markdown headings kept as context."""

from __future__ import annotations

from pathlib import Path

import pytest

from apps.files.errors import FileProblem
from apps.files.extraction.plain import extract_text

MARKDOWN = """# Urban Heat

Cities are warmer than the countryside around them.

## Causes **of** heat

Dark *roofs* and [asphalt](https://example.org) store the heat of the day.

- Trees cool the streets around them.

> Shade matters most in the afternoon.

```python
print("this is code not prose")
```
"""


def _extract(tmp_path: Path, text: str | bytes, *, name: str = "notes.md", markdown: bool = True):
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return extract_text(path, name=name, markdown=markdown)


def test_markdown_paragraphs_are_numbered_under_their_headings(tmp_path: Path):
    [work] = _extract(tmp_path, MARKDOWN).works
    assert work.title == "Urban Heat"
    assert [(p.paragraph, p.heading, p.text) for p in work.passages] == [
        (1, "Urban Heat", "Cities are warmer than the countryside around them."),
        (2, "Causes of heat", "Dark roofs and asphalt store the heat of the day."),
        (3, "Causes of heat", "Trees cool the streets around them."),
        (4, "Causes of heat", "Shade matters most in the afternoon."),
    ]


def test_every_line_of_a_list_or_a_quote_loses_its_mark(tmp_path: Path):
    text = (
        "- Trees cool the streets.\n- Water cools the air.\n1. Roofs matter.\n\n"
        "> Shade matters most\n> in the afternoon.\n"
    )
    [work] = _extract(tmp_path, text).works
    assert [p.text for p in work.passages] == [
        "Trees cool the streets. Water cools the air. Roofs matter.",
        "Shade matters most in the afternoon.",
    ]


def test_fenced_code_is_not_prose(tmp_path: Path):
    [work] = _extract(tmp_path, MARKDOWN).works
    assert not any("print" in p.text for p in work.passages)


def test_plain_text_keeps_markdown_characters_and_takes_its_title_from_the_file_name(
    tmp_path: Path,
):
    text = "# Not a heading here\n\nSome *starred* words stay as they are."
    [work] = _extract(tmp_path, text, name="field_notes_2024.txt", markdown=False).works
    assert work.title == "field notes 2024"
    assert [p.text for p in work.passages] == [
        "# Not a heading here",
        "Some *starred* words stay as they are.",
    ]
    assert {p.heading for p in work.passages} == {""}


def test_a_file_without_blank_lines_is_one_paragraph_a_line(tmp_path: Path):
    text = "Cities are warm at night.\nTrees cool the streets down.\nRoofs store the day's heat."
    [work] = _extract(tmp_path, text, name="a.txt", markdown=False).works
    assert [p.paragraph for p in work.passages] == [1, 2, 3]


def test_only_a_level_one_heading_titles_the_work(tmp_path: Path):
    [work] = _extract(tmp_path, "## Section\n\nFour words of text.", name="report.md").works
    assert work.title == "report"
    assert work.passages[0].heading == "Section"


def test_a_file_with_no_text_is_refused(tmp_path: Path):
    with pytest.raises(FileProblem) as refused:
        _extract(tmp_path, "\n\n# Only\n\n", name="empty.md")
    assert refused.value.code == "no_text"
    assert refused.value.message == "empty.md: the file has no text to use."


def test_a_windows_encoded_file_is_read(tmp_path: Path):
    text = "Le café des naïfs à Zürich était très fréquenté pendant l’été."
    [work] = _extract(tmp_path, text.encode("cp1252"), name="a.txt", markdown=False).works
    assert work.passages[0].text == text

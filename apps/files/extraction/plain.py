"""Plain text and Markdown: paragraphs, with Markdown headings as context."""

from __future__ import annotations

import re
from pathlib import Path

from apps.files.errors import FileProblem
from apps.files.extraction.chunking import normalise, split_words
from apps.files.extraction.metadata import title_from_filename
from apps.files.extraction.types import Extraction, Passage, Work
from apps.files.textcodec import decode_text

_HEADING = re.compile(r"^(#{1,6})\s+(.+?)\s*#*\s*$")
_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|`)(?=\S)(.+?)(?<=\S)\1")
_LIST_MARK = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+", re.MULTILINE)
_QUOTE_MARK = re.compile(r"^\s*>\s?", re.MULTILINE)


def _strip_markdown(text: str) -> str:
    text = _LINK.sub(r"\1", text)
    text = _EMPHASIS.sub(r"\2", text)
    text = _LIST_MARK.sub("", text)
    return _QUOTE_MARK.sub("", text)


def extract_text(path: Path, *, name: str, markdown: bool) -> Extraction:
    text = decode_text(path.read_bytes(), name=name)
    heading, title, paragraph_no = "", "", 0
    passages: list[Passage] = []
    blocks = re.split(r"\n\s*\n", text)
    if len(blocks) == 1:  # no blank lines: one paragraph a line
        blocks = text.split("\n")
    for block in blocks:
        lines = block.strip().split("\n")
        if markdown:
            # A heading line starts a block of its own; fenced code is not prose.
            match = _HEADING.match(lines[0])
            if match:
                heading = _strip_markdown(match.group(2))[:300]
                title = title or (heading if len(match.group(1)) == 1 else "")
                lines = lines[1:]
            if lines and lines[0].startswith("```"):
                continue
        body = "\n".join(lines)
        if markdown:
            # Before the lines are joined: a list item's or a quote's mark starts every line.
            body = _strip_markdown(body)
        body = normalise(body)
        if not body:
            continue
        paragraph_no += 1
        passages.extend(
            Passage(piece, paragraph=paragraph_no, heading=heading) for piece in split_words(body)
        )
    if not passages:
        raise FileProblem("no_text", f"{name}: the file has no text to use.")
    return Extraction(works=[Work(title=title or title_from_filename(name), passages=passages)])

"""The stored Markdown document as a small model every writer renders from: one parser, several
writers, so a heading, a quote or a reference looks the same in DOCX, PDF and PPTX.

The shape is the pipeline's: `# Title`, optional italic note lines, `## N. Section` headings
with paragraphs, block quotes, lists (and, from a model, tables or code), and at the end the
reference list under its style's heading, one paragraph per entry. A stopped run's partial
text may end anywhere; whatever is there is kept.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import ClassVar

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode

from apps.pipeline.citing import REFERENCES_HEADING

_md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable(
    "table"
)
_REFERENCE_HEADINGS = frozenset(h.casefold() for h in REFERENCES_HEADING.values()) | {
    "bibliography"
}


@dataclass(frozen=True)
class Span:
    text: str
    italic: bool = False
    bold: bool = False
    code: bool = False


Inline = tuple[Span, ...]


def plain(spans: Inline) -> str:
    return "".join(span.text for span in spans)


@dataclass(frozen=True)
class Paragraph:
    kind: ClassVar[str] = "paragraph"

    spans: Inline

    @property
    def text(self) -> str:
        return plain(self.spans)


@dataclass(frozen=True)
class Heading:
    """A heading inside a section (`###` and deeper): level 3 is the first level below it."""

    kind: ClassVar[str] = "heading"

    level: int
    spans: Inline

    @property
    def text(self) -> str:
        return plain(self.spans)


@dataclass(frozen=True)
class Quote:
    kind: ClassVar[str] = "quote"

    blocks: tuple[Block, ...]


@dataclass(frozen=True)
class ListBlock:
    kind: ClassVar[str] = "list"

    ordered: bool
    start: int
    items: tuple[tuple[Block, ...], ...]


@dataclass(frozen=True)
class Table:
    kind: ClassVar[str] = "table"

    header: tuple[Inline, ...]
    rows: tuple[tuple[Inline, ...], ...]


@dataclass(frozen=True)
class Code:
    kind: ClassVar[str] = "code"

    text: str


Block = Paragraph | Heading | Quote | ListBlock | Table | Code


@dataclass
class Section:
    title: str
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Document:
    title: str
    # Italic lines between the title and the first section: what kind of text this is.
    notes: list[Paragraph] = field(default_factory=list)
    # Anything else before the first section (a model may open without a heading).
    preamble: list[Block] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    references_heading: str = ""
    references: list[Inline] = field(default_factory=list)

    @property
    def outline(self) -> list[str]:
        return [section.title for section in self.sections]


def _spans(node: SyntaxTreeNode, *, italic: bool = False, bold: bool = False) -> list[Span]:
    spans: list[Span] = []
    for child in node.children:
        if child.type == "text":
            spans.append(Span(child.content, italic=italic, bold=bold))
        elif child.type == "code_inline":
            spans.append(Span(child.content, italic=italic, bold=bold, code=True))
        elif child.type in ("softbreak", "hardbreak"):
            spans.append(Span(" ", italic=italic, bold=bold))
        elif child.type == "em":
            spans.extend(_spans(child, italic=True, bold=bold))
        elif child.type == "strong":
            spans.extend(_spans(child, italic=italic, bold=True))
        else:  # links, images and anything else: their text, without the markup
            spans.extend(_spans(child, italic=italic, bold=bold))
    return spans


def _inline(node: SyntaxTreeNode) -> Inline:
    """The spans of a block's inline content, neighbours of the same style merged."""
    merged: list[Span] = []
    for inline in node.children:
        for span in _spans(inline) if inline.type == "inline" else []:
            if not span.text:
                continue
            last = merged[-1] if merged else None
            if last and (last.italic, last.bold, last.code) == (span.italic, span.bold, span.code):
                merged[-1] = Span(last.text + span.text, last.italic, last.bold, last.code)
            else:
                merged.append(span)
    return tuple(merged)


def _blocks(nodes: list[SyntaxTreeNode]) -> list[Block]:
    blocks: list[Block] = []
    for node in nodes:
        if node.type == "paragraph":
            blocks.append(Paragraph(_inline(node)))
        elif node.type == "heading":
            blocks.append(Heading(int(node.tag[1]), _inline(node)))
        elif node.type == "blockquote":
            blocks.append(Quote(tuple(_blocks(node.children))))
        elif node.type in ("bullet_list", "ordered_list"):
            start = node.attrs.get("start", 1)
            blocks.append(
                ListBlock(
                    ordered=node.type == "ordered_list",
                    start=int(start) if isinstance(start, int | float | str) else 1,
                    items=tuple(tuple(_blocks(item.children)) for item in node.children),
                )
            )
        elif node.type == "table":
            rows = [row for part in node.children for row in part.children]
            cells = [tuple(_inline(cell) for cell in row.children) for row in rows]
            if cells:
                blocks.append(Table(header=cells[0], rows=tuple(cells[1:])))
        elif node.type in ("fence", "code_block"):
            blocks.append(Code(node.content.rstrip("\n")))
    return blocks


def _reference_entries(blocks: list[Block]) -> list[Inline]:
    entries: list[Inline] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            entries.append(block.spans)
        elif isinstance(block, ListBlock):  # a list of references (written by a model)
            entries.extend(
                b.spans for item in block.items for b in item if isinstance(b, Paragraph)
            )
    return [entry for entry in entries if plain(entry).strip()]


def parse_document(markdown: str, *, fallback_title: str = "Untitled") -> Document:
    root = SyntaxTreeNode(_md.parse(markdown or ""))
    document = Document(title=fallback_title)
    current: Section | None = None
    in_references = False
    reference_blocks: list[Block] = []
    titled = False
    for node in root.children:
        if node.type == "heading" and node.tag == "h1" and not titled and current is None:
            document.title = plain(_inline(node)).strip() or fallback_title
            titled = True
            continue
        if node.type == "heading" and node.tag in ("h1", "h2"):
            heading = plain(_inline(node)).strip()
            if heading.casefold() in _REFERENCE_HEADINGS:
                in_references = True
                document.references_heading = heading
                continue
            in_references = False
            current = Section(title=heading)
            document.sections.append(current)
            continue
        blocks = _blocks([node])
        if in_references:
            reference_blocks.extend(blocks)
        elif current is not None:
            current.blocks.extend(blocks)
        elif (
            blocks
            and isinstance(blocks[0], Paragraph)
            and blocks[0].spans
            and all(span.italic for span in blocks[0].spans if span.text.strip())
            and not document.preamble
        ):
            document.notes.append(blocks[0])
        else:
            document.preamble.extend(blocks)
    document.references = _reference_entries(reference_blocks)
    return document

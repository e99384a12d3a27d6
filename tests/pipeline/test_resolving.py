from __future__ import annotations

import random

import pytest

from apps.core.sources import Source
from apps.pipeline.citing import Use
from apps.pipeline.handles import Handles
from apps.pipeline.resolving import (
    AUTHOR_DATE,
    BAD_LOCATOR,
    IMAGE,
    INCOMPLETE,
    LINK,
    MARKUP,
    NUMERIC,
    REFERENCE_LIST,
    UNKNOWN_HANDLE,
    Piece,
    Resolver,
    StreamResolver,
    prose_words,
)


def _source(key: str, page: str, text: str = "Heat islands warm cities.", **kw) -> Source:
    return Source(
        key=key,
        title=kw.get("title", f"Work {key}"),
        authors=kw.get("authors", ("Okafor, N.", "Chen, L.")),
        year=kw.get("year", 2021),
        excerpt=text,
        locator=page,
        locator_label="page" if page else "",
    )


HANDLES = Handles.of(
    [
        _source("aaa", "4"),
        _source("aaa", "7"),
        _source("bbb", "12"),
        _source("ccc", ""),
    ]
)


def _show(pieces: list[Piece]) -> str:
    """Citations shown by their uses, so the tests read what the resolver decided."""
    out = []
    for piece in pieces:
        if piece.is_citation:
            inner = "; ".join(
                f"{u.key}{', ' + u.label + ' ' + u.locator if u.locator else ''}"
                for u in piece.uses
            )
            out.append("{" + inner + "}")
        else:
            out.append(piece.text)
    return "".join(out)


def _resolve(text: str) -> tuple[str, list[tuple[str, str]]]:
    resolver = Resolver(HANDLES)
    shown = _show(resolver.resolve(text))
    return shown, [(r.kind, r.text) for r in resolver.removals]


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Cities warm [S1].", "Cities warm {aaa}."),
        ("Cities warm [S1, p. 7].", "Cities warm {aaa, page 7}."),
        ("Cities warm [S1, pp. 4-5].", "Cities warm {aaa, page 4–5}."),
        ("Cities warm [S1; S2, p. 12].", "Cities warm {aaa; bbb, page 12}."),
        ("Cities warm [S1, S2].", "Cities warm {aaa; bbb}."),
        ("Cities warm [s2 , p.12].", "Cities warm {bbb, page 12}."),
        ("Cities warm [S1, p. 4; S1, p. 7].", "Cities warm {aaa, page 4}."),
    ],
)
def test_handles_become_citations_with_their_pages(text, shown):
    assert _resolve(text) == (shown, [])


@pytest.mark.parametrize(
    ("text", "shown", "removed"),
    [
        ("Warm [S99].", "Warm.", [(UNKNOWN_HANDLE, "[S99]")]),
        ("Warm [S1; S7].", "Warm {aaa}.", [(UNKNOWN_HANDLE, "[S7]")]),
        ("Warm [smith2020].", "Warm.", [(UNKNOWN_HANDLE, "[smith2020]")]),
        ("Warm [fakekey2020].", "Warm.", [(UNKNOWN_HANDLE, "[fakekey2020]")]),
        (
            "Warm [a1269242d9374b36991ef0fd30e0d154].",
            "Warm.",
            [(UNKNOWN_HANDLE, "[a1269242d9374b36991ef0fd30e0d154]")],
        ),
        ("Warm [S1, p. 999].", "Warm {aaa}.", [(BAD_LOCATOR, "S1, p. 999")]),
        ("Warm [S3, p. 2].", "Warm {ccc}.", [(BAD_LOCATOR, "S3, p. 2")]),
        ("Warm (Smith, 2019).", "Warm.", [(AUTHOR_DATE, "(Smith, 2019)")]),
        (
            "Warm (Jones et al. 2020, p. 5; Lee & Park, 2018).",
            "Warm.",
            [(AUTHOR_DATE, "(Jones et al. 2020, p. 5; Lee & Park, 2018)")],
        ),
        ("Smith (2018) argues so.", "Smith argues so.", [(AUTHOR_DATE, "(2018)")]),
        ("As shown (Smith 23), it is.", "As shown, it is.", [(AUTHOR_DATE, "(Smith 23)")]),
        ("Warm [12].", "Warm.", [(NUMERIC, "[12]")]),
        ("Warm [3, 4].", "Warm.", [(NUMERIC, "[3, 4]")]),
        ("Warm [1-3] too.", "Warm too.", [(NUMERIC, "[1-3]")]),
        (
            "Hi<script>alert(1)</script> there.",
            "Hi there.",
            [(MARKUP, "<script>alert(1)</script>")],
        ),
        ("A <b>bold</b> claim.", "A bold claim.", [(MARKUP, "<b>"), (MARKUP, "</b>")]),
        (
            "See ![x](https://evil.example/a.png) here.",
            "See here.",
            [(IMAGE, "![x](https://evil.example/a.png)")],
        ),
        (
            "Read [the report](https://evil.example/r) now.",
            "Read the report now.",
            [(LINK, "https://evil.example/r")],
        ),
    ],
)
def test_what_the_model_typed_itself_is_removed_and_counted(text, shown, removed):
    assert _resolve(text) == (shown, removed)


@pytest.mark.parametrize(
    "text",
    [
        "Results (Table 2) and (Figure 3) differ.",
        "In the pandemic year (2020) cities emptied.",
        "About a third (33 %) of streets (see below) were hot.",
        "The 2019 heatwave was long.",
    ],
)
def test_prose_that_only_looks_like_a_citation_is_kept(text):
    assert _resolve(text) == (text, [])


def test_a_quotation_keeps_its_own_citations():
    text = "The text reads: “warming (Smith, 2019) is [12] real” [S2, p. 12]."
    assert _resolve(text) == (
        "The text reads: “warming (Smith, 2019) is [12] real” {bbb, page 12}.",
        [],
    )


def _stream(text: str, seed: int) -> tuple[str, list[tuple[str, str]], list[str]]:
    """Feed `text` in random small deltas; return what was emitted, the removals and each
    emission (to check no raw handle ever reached the reader)."""
    rng = random.Random(seed)
    stream = StreamResolver(HANDLES)
    emitted: list[str] = []
    position = 0
    while position < len(text):
        step = rng.randint(1, 7)
        emitted.append(_show(stream.feed(text[position : position + step])))
        position += step
    emitted.append(_show(stream.finish()))
    return "".join(emitted), [(r.kind, r.text) for r in stream.removals], emitted


MIXED = (
    "Urban heat rises [S1, p. 4]. Models typed (Smith, 2019) and [12] and [S99].\n\n"
    "A quote: “it is hot” [S2, p. 12]. Smith (2018) agrees [S1; S2].<script>x()</script> "
    "More text ![i](http://x/y.png) here.\n\n## References\n\n1. Smith, J. (2019). Fake.\n"
)


@pytest.mark.parametrize("seed", range(12))
def test_streamed_resolution_equals_resolving_the_whole_and_never_shows_a_handle(seed):
    whole, removed = _resolve(MIXED.split("\n\n## References")[0] + "\n\n")
    streamed, stream_removed, emissions = _stream(MIXED, seed)
    assert streamed == whole
    assert stream_removed[:-1] == removed
    assert stream_removed[-1][0] == REFERENCE_LIST
    assert "Fake" in stream_removed[-1][1]
    for emission in emissions:
        assert "[S" not in emission
        assert "<script" not in emission


def test_a_handle_cut_off_at_the_end_of_a_section_is_dropped():
    stream = StreamResolver(HANDLES)
    shown = _show(stream.feed("Warm cities [S1, p")) + _show(stream.finish())
    assert shown == "Warm cities"
    assert [r.kind for r in stream.removals] == [INCOMPLETE]


def test_a_long_parenthesis_is_released_without_waiting_for_its_end():
    stream = StreamResolver(HANDLES)
    shown = _show(stream.feed("Open (" + "word " * 80))
    assert shown.startswith("Open (word")


def test_after_a_reference_heading_the_rest_of_the_section_is_dropped_then_writing_resumes():
    stream = StreamResolver(HANDLES)
    first = _show(stream.feed("Body text.\n\n**Bibliography**\nSmith. 2019.\n")) + _show(
        stream.finish()
    )
    assert first == "Body text.\n\n"
    second = _show(stream.feed("Next section [S1].")) + _show(stream.finish())
    assert second == "Next section {aaa}."


def test_prose_words_leave_out_handles_headings_and_typed_citations():
    assert prose_words("## 1. Intro\n\nHeat rises [S1, p. 4] in cities (Smith, 2019).") == 4
    assert Use("k").key == "k"

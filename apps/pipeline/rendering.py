"""Citation pieces as words, by citeproc: live while the draft streams, then once more over the
whole document with the works it actually cites."""

from __future__ import annotations

from collections.abc import Sequence

from apps.pipeline.citing import NUMBERED_STYLES, Citer, Use
from apps.pipeline.handles import Handles
from apps.pipeline.resolving import Piece


def citer_for(*, style: str, handles: Handles, keys: Sequence[str] | None = None) -> Citer:
    """A Citer over the retrieved works (or only `keys` of them), from their CSL metadata."""
    wanted = None if keys is None else set(keys)
    items = [
        {**work.passages[0].csl, "id": work.key}
        for work in handles.works
        if wanted is None or work.key in wanted
    ]
    return Citer(style=style, items=items)


def cited_keys(pieces: Sequence[Piece]) -> list[str]:
    """The works the pieces cite, in order of first citation."""
    return list(dict.fromkeys(use.key for piece in pieces for use in piece.uses))


class LiveCitations:
    """Renders each citation as it streams. Earlier citations are registered first, so a
    numbered style numbers works by first citation, as the final list will. citeproc-py takes
    milliseconds a citation, and a long piece cites the same work at the same page again and
    again: each distinct citation is rendered once (with the numbering in force, where the style
    numbers)."""

    def __init__(self, *, style: str, handles: Handles) -> None:
        self._citer = citer_for(style=style, handles=handles)
        self._numbered = style in NUMBERED_STYLES
        self._order: list[str] = []
        self._rendered: dict[tuple[object, ...], str] = {}

    def render(self, uses: Sequence[Use]) -> str:
        for use in uses:
            if use.key not in self._order:
                self._order.append(use.key)
        key = (tuple(self._order) if self._numbered else (), tuple(uses))
        if key not in self._rendered:
            priors = [[Use(k)] for k in self._order] if self._numbered else []
            self._rendered[key] = self._citer.cite_groups([*priors, list(uses)])[-1]
        return self._rendered[key]


def render_final(*, style: str, handles: Handles, pieces: Sequence[Piece]) -> list[str]:
    """Every citation piece's words, with a Citer over the cited works only: a year suffix
    (2020a) stays only where both works are in the list, numbers follow first citation. Each
    distinct citation is rendered once, in order of first appearance."""
    groups = [tuple(piece.uses) for piece in pieces if piece.is_citation]
    if not groups:
        return []
    distinct = list(dict.fromkeys(groups))
    citer = citer_for(style=style, handles=handles, keys=cited_keys(pieces))
    rendered = dict(zip(distinct, citer.cite_groups([list(g) for g in distinct]), strict=True))
    return [rendered[group] for group in groups]

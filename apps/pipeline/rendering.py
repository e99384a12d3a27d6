"""Citation pieces as words, by citeproc: live while the draft streams, then once more over the
whole document with the works it actually cites."""

from __future__ import annotations

from collections.abc import Sequence

from apps.pipeline.citing import Citer, Use
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
    numbered style numbers works by first citation, as the final list will."""

    def __init__(self, *, style: str, handles: Handles) -> None:
        self._citer = citer_for(style=style, handles=handles)
        self._order: list[str] = []

    def render(self, uses: Sequence[Use]) -> str:
        for use in uses:
            if use.key not in self._order:
                self._order.append(use.key)
        groups = [[Use(key)] for key in self._order] + [list(uses)]
        return self._citer.cite_groups(groups)[-1]


def render_final(*, style: str, handles: Handles, pieces: Sequence[Piece]) -> list[str]:
    """Every citation piece's words, with a Citer over the cited works only: a year suffix
    (2020a) stays only where both works are in the list, numbers follow first citation."""
    groups = [list(piece.uses) for piece in pieces if piece.is_citation]
    if not groups:
        return []
    citer = citer_for(style=style, handles=handles, keys=cited_keys(pieces))
    return citer.cite_groups(groups)

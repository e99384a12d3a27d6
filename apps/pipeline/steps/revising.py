"""What the offline provider can honestly do with a follow-up: re-plan the length, add a section
the writer names, drop one they name — and say plainly what it did not do.

Without a model nothing can be rewritten: the plan is rebuilt from the same blueprint with the
changes applied, and the draft's note lists what was done and what was not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from apps.core.text import STOPWORDS
from apps.pipeline.state import OutlineSection

WORDS_MIN, WORDS_MAX = 100, 20_000
SHORTER, LONGER = 0.7, 1.3

_WORDS = re.compile(r"\b(\d{1,3}(?:,\d{3})+|\d{3,5})\s*words?\b", re.IGNORECASE)
_SHORTER = re.compile(
    r"\b(shorter|shorten|cut it down|trim|condense|more concise|tighten|reduce the length)\b",
    re.IGNORECASE,
)
_LONGER = re.compile(r"\b(longer|lengthen|expand|extend|more detail(?:ed)?)\b", re.IGNORECASE)
_TAIL = r"([^.,;:!?]+?)(?=\s+(?:and|then|but|also|please)\b|[.,;:!?]|$)"
_ADD = re.compile(
    r"\badd(?:ing)?\s+(?:in\s+)?(?:a|an|another|one|some)?\s*(?:new\s+|short\s+|brief\s+)*"
    r"(?:paragraph|section|part|subsection|discussion|chapter|bit)s?\s+"
    r"(?:on|about|covering|discussing|for|that covers|looking at)\s+" + _TAIL,
    re.IGNORECASE,
)
_DROP = re.compile(
    r"\b(?:drop|remove|delete|omit|leave out|get rid of|take out|cut)\s+(?:the\s+)?"
    r"(?:section|part|paragraph)?\s*(?:on|about)?\s*" + _TAIL,
    re.IGNORECASE,
)
_CLAUSES = re.compile(r"[.;!?]+|,\s*|\s+(?:and|then|but|also)\s+", re.IGNORECASE)
_LEADING = re.compile(r"^(?:and|then|but|also|please)\s+", re.IGNORECASE)
_CONTENT = re.compile(r"[A-Za-z][A-Za-z-]+")


@dataclass(frozen=True)
class Revision:
    target: int
    sections: tuple[OutlineSection, ...]
    done: tuple[str, ...]
    not_done: tuple[str, ...]


def _content_words(text: str) -> set[str]:
    words = {w.lower() for w in _CONTENT.findall(text)}
    return {w.rstrip("s") for w in words if w not in STOPWORDS and len(w) > 2} - {
        "section",
        "part",
        "paragraph",
    }


def _length(follow_up: str, target: int, previous_target: int | None) -> tuple[int, str | None]:
    explicit = _WORDS.search(follow_up)
    if explicit:
        wanted = int(explicit.group(1).replace(",", ""))
        wanted = max(WORDS_MIN, min(WORDS_MAX, wanted))
        return wanted, f"re-planned the word budgets for {wanted:,} words"
    if previous_target is not None and target != previous_target:
        return (
            target,
            f"re-planned the word budgets for {target:,} words (from {previous_target:,})",
        )
    for pattern, factor, how in ((_SHORTER, SHORTER, "shorter"), (_LONGER, LONGER, "longer")):
        if pattern.search(follow_up):
            wanted = max(WORDS_MIN, min(WORDS_MAX, round(target * factor / 10) * 10))
            return wanted, f"re-planned it about 30 % {how}: {wanted:,} words instead of {target:,}"
    return target, None


def _added_section(topic: str, sections: tuple[OutlineSection, ...]) -> OutlineSection:
    phrase = re.sub(r"^(?:the|a|an)\s+", "", topic.strip(), flags=re.IGNORECASE)
    average = sum(s.budget for s in sections) // max(1, len(sections))
    return OutlineSection(
        title=phrase[:1].upper() + phrase[1:],
        budget=average,
        purpose=f"Added at your request: {phrase}.",
        points=(
            f"Set out what {phrase} involves and why it matters to the argument.",
            "Connect it to the sections before and after it.",
        ),
        evidence=f"Sources that address {phrase} directly.",
    )


def revise(
    *,
    follow_up: str,
    sections: tuple[OutlineSection, ...],
    target: int,
    previous_target: int | None,
) -> Revision:
    """Apply what can be applied without a model to a freshly built plan. The sections keep
    their budgets as weights: the outline re-splits them over the new target."""
    done: list[str] = []
    not_done: list[str] = []
    handled: list[str] = []
    new_target, length_note = _length(follow_up, target, previous_target)
    if length_note:
        done.append(length_note)
        handled += [m.group(0) for p in (_WORDS, _SHORTER, _LONGER) for m in p.finditer(follow_up)]
    kept = list(sections)
    for match in _DROP.finditer(follow_up):
        wanted = _content_words(match.group(1))
        if not wanted:
            continue
        hits = [s for s in kept if wanted & _content_words(s.title)]
        if len(hits) == 1 and len(kept) > 2:
            kept.remove(hits[0])
            done.append(f"dropped the section “{hits[0].title}”")
        else:
            not_done.append(f"no single section matches “{match.group(1).strip()}” to drop")
        handled.append(match.group(0))
    for match in _ADD.finditer(follow_up):
        section = _added_section(match.group(1), tuple(kept))
        # Before the closing section, where a new point belongs.
        kept.insert(max(1, len(kept) - 1), section)
        done.append(f"added a section “{section.title}”")
        handled.append(match.group(0))
    # Whatever clause of the request none of that touched was not done: said in its own words.
    clauses = (_LEADING.sub("", c.strip()) for c in _CLAUSES.split(follow_up))
    for clause in clauses:
        if not _content_words(clause):
            continue
        if any(h.lower() in clause.lower() or clause.lower() in h.lower() for h in handled):
            continue
        not_done.append(f"“{clause}”")
    return Revision(
        target=new_target,
        sections=tuple(kept),
        done=tuple(done),
        not_done=tuple(not_done),
    )


def note(revision: Revision) -> str:
    """The draft's opening note for an offline revision: what changed, what did not."""
    parts = ["**Revised offline, without an AI model.**"]
    if revision.done:
        parts.append("Done: " + "; ".join(revision.done) + ".")
    else:
        parts.append("Nothing in the request could be applied to the plan.")
    if revision.not_done:
        parts.append(
            "Not done: "
            + "; ".join(revision.not_done)
            + " — rewording, tone and new arguments need an AI model."
        )
    else:
        parts.append("Rewriting the prose itself needs an AI model.")
    return "> " + " ".join(parts)

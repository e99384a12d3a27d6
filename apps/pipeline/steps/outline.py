"""Sections suited to the kind of writing, with word budgets that sum to the target."""

from __future__ import annotations

import dataclasses
import re

from apps.core.text import STOPWORDS, keywords, topic_phrase
from apps.core.writing import WriteupType
from apps.pipeline.providers.registry import OFFLINE_MODEL
from apps.pipeline.state import Outline, OutlineSection, PipelineState
from apps.pipeline.steps import revising
from apps.pipeline.steps.blueprints import BLUEPRINTS
from apps.streaming.publisher import RunPublisher


def budgets(weights: list[float], total: int) -> list[int]:
    """Split `total` by `weights` into whole numbers that sum to exactly `total`."""
    scale = total / sum(weights)
    raw = [w * scale for w in weights]
    floors = [int(r) for r in raw]
    remainder = total - sum(floors)
    by_fraction = sorted(range(len(raw)), key=lambda i: raw[i] - floors[i], reverse=True)
    for i in by_fraction[:remainder]:
        floors[i] += 1
    return floors


def build(state: PipelineState) -> Outline:
    request = state.request
    advanced = state.route is not None and state.route.advanced
    blueprints = [
        b for b in BLUEPRINTS[WriteupType(request.writeup_type)] if advanced or not b.advanced_only
    ]
    topic = topic_phrase(state.original_prompt)
    terms = [*keywords(state.original_prompt), "the topic", "the evidence", "the implications"]
    # Mid-sentence the topic starts lower-case, unless it opens with a name or an acronym.
    inline = topic[0].lower() + topic[1:] if topic[1:2].islower() else topic
    fill = {
        "topic": inline,
        **{f"k{i}": terms[i] for i in range(3)},
        **{f"K{i}": terms[i].capitalize() for i in range(3)},
    }
    sections = tuple(
        OutlineSection(
            title=b.title.format(**fill),
            budget=budget,
            purpose=b.purpose,
            points=tuple(p.format(**fill) for p in b.points),
            evidence=b.evidence.format(**fill),
        )
        for b, budget in zip(
            blueprints,
            budgets([b.weight for b in blueprints], request.target_word_count),
            strict=True,
        )
    )
    if state.is_revision and request.model == OFFLINE_MODEL:
        sections = _revise_offline(state, sections)
    elif state.is_revision:
        sections = tuple(_with_revision(section, request.prompt) for section in sections)
    return Outline(title=topic, sections=sections)


def _revise_offline(
    state: PipelineState, sections: tuple[OutlineSection, ...]
) -> tuple[OutlineSection, ...]:
    """No model can rewrite the text: apply what a plan can take (length, a section added or
    dropped) and record what was and was not done for the draft's note."""
    revision = revising.revise(
        follow_up=state.request.prompt,
        sections=sections,
        target=state.request.target_word_count,
        previous_target=state.previous_target,
    )
    pointed = tuple(_with_revision(section, state.request.prompt) for section in revision.sections)
    marked = [a.title for a, b in zip(revision.sections, pointed, strict=True) if a != b]
    revision = dataclasses.replace(
        revision,
        sections=pointed,
        done=revision.done
        + tuple(f"put the request first in what “{title}” must argue" for title in marked),
    )
    state.revision = revision
    if revision.target != state.request.target_word_count:
        state.request = dataclasses.replace(state.request, target_word_count=revision.target)
    split = budgets([float(max(1, s.budget)) for s in revision.sections], revision.target)
    return tuple(
        dataclasses.replace(section, budget=budget)
        for section, budget in zip(revision.sections, split, strict=True)
    )


def _with_revision(section: OutlineSection, follow_up: str) -> OutlineSection:
    """A follow-up that names a section ("make the methodology more concrete") becomes that
    section's first point, so the revision lands where it was asked for."""
    asked = {word.lower() for word in re.findall(r"[A-Za-z][A-Za-z-]+", follow_up)}
    named = {
        word.lower()
        for word in re.findall(r"[A-Za-z][A-Za-z-]+", section.title)
        if len(word) > 3 and word.lower() not in STOPWORDS
    }
    if not named & asked:
        return section
    point = f"Revise as asked: “{topic_phrase(follow_up)}”."
    return dataclasses.replace(section, points=(point, *section.points))


def run(state: PipelineState, events: RunPublisher) -> None:
    state.outline = build(state)
    for section in state.outline.sections:
        events.writing(section=section.title, progress=0, word_count=0, agent="outline")

"""A conversation's title from a model: one short call, cleaned to a few plain words."""

from __future__ import annotations

import logging
import re

from apps.core.text import without_dangling
from apps.pipeline.providers import prompts
from apps.pipeline.providers.base import Provider, ProviderError
from apps.pipeline.state import Usage

logger = logging.getLogger(__name__)

TITLE_MAX_TOKENS = 40  # a title of under 12 words, with room for a model's habits
TITLE_MAX_WORDS = 11
_PREFIX = re.compile(r"^\s*(?:#+\s*|\*+|title\s*:\s*)+", re.IGNORECASE)
_EDGES = " \t\"'“”‘’*_`.:;"
# Words a title cannot end on: what is left when an answer was cut off mid-phrase.
_DANGLING = frozenset(
    [
        "a",
        "an",
        "the",
        "and",
        "or",
        "but",
        "nor",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "with",
        "by",
        "from",
        "into",
        "about",
        "as",
        "than",
        "via",
        "its",
        "their",
        "his",
        "her",
        "our",
        "your",
        "this",
        "that",
        "these",
        "those",
        "which",
        "who",
        "whose",
        "how",
        "why",
        "what",
        "when",
        "where",
        "while",
        "is",
        "are",
        "was",
        "were",
        "be",
    ]
)


def clean_title(text: str) -> str:
    """The model's answer as a title: its first line, without 'Title:', Markdown or quotes;
    empty when it is not a usable title (too long, or nothing)."""
    line = next((ln for ln in text.splitlines() if ln.strip()), "")
    title = _PREFIX.sub("", line).strip(_EDGES)
    # A title cut short (the token limit, a model's habit) never ends on a dangling word.
    title = " ".join(without_dangling(title.split(), dangling=_DANGLING)).strip(_EDGES + ",-–—")
    if not title or len(title.split()) > TITLE_MAX_WORDS:
        return ""
    return title[0].upper() + title[1:]


def generate_title(*, provider: Provider, request_text: str) -> tuple[str, Usage | None]:
    """Ask the model for a title. A failure costs the run nothing but the title: the caller
    keeps the one derived from the request."""
    system, user = prompts.title_prompts(request_text)
    try:
        completion = provider.complete(system=system, prompt=user, max_tokens=TITLE_MAX_TOKENS)
    except ProviderError as error:
        logger.info("event=title_failed model=%s code=%s", provider.name, error.code)
        return "", None
    return clean_title(completion.text), completion.usage

from __future__ import annotations

import uuid
from dataclasses import dataclass, field


@dataclass(frozen=True)
class WritingRequest:
    """A validated writing request (SPEC section 3), from the compose form or the API."""

    prompt: str
    writeup_type: str
    citation_style: str
    academic_level: str
    target_word_count: int
    model: str
    file_ids: tuple[uuid.UUID, ...] = field(default=())

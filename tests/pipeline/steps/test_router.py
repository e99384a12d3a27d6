from __future__ import annotations

import uuid
from typing import Any

from apps.pipeline.state import PipelineState
from apps.pipeline.steps.router import score
from tests.factories import WritingRequestFactory


def _state(**overrides: Any) -> PipelineState:
    fields: dict[str, Any] = {
        "prompt": "Summarise this article.",
        "writeup_type": "summary",
        "citation_style": "apa7",
        "academic_level": "high_school",
        "target_word_count": 300,
        "model": "offline",
    } | overrides
    request = WritingRequestFactory(**fields)
    return PipelineState(
        run_id=uuid.uuid4(),
        conversation_id=uuid.uuid4(),
        request=request,
        original_prompt=request.prompt,
    )


def test_short_summary_is_simple():
    route = score(_state())
    assert route.system == "simple"
    assert 0 <= route.complexity < 5
    assert "300 words" in route.reason


def test_long_doctoral_literature_review_is_advanced_and_says_why():
    route = score(
        _state(writeup_type="literature_review", academic_level="doctoral", target_word_count=8000)
    )
    assert route.system == "advanced"
    assert 5 <= route.complexity <= 10
    assert "review pass" in route.reason

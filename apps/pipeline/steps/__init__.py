"""The pipeline: router → research → outline → writer → citations → evaluator.

Each step is a plain function that reads and extends the typed state and publishes its events.
"""

from __future__ import annotations

from collections.abc import Callable

from apps.pipeline.state import PipelineState
from apps.pipeline.steps import citations, evaluator, outline, research, router, writer
from apps.streaming.publisher import RunPublisher

Step = Callable[[PipelineState, RunPublisher], None]

STEPS: tuple[Step, ...] = (
    router.run,
    research.run,
    outline.run,
    writer.run,
    citations.run,
    evaluator.run,
)

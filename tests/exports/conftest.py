from __future__ import annotations

import pytest

from apps.conversations.models import Message, Run
from devtools.sample_documents import sample_document
from tests.factories import RunFactory

STYLES = ["apa7", "harvard", "mla9", "chicago_author_date", "ieee"]


def finished_run(*, user, document: str | None = None, style: str = "apa7", **fields) -> Run:
    """A run that ended (succeeded unless `status` says otherwise) with `document` stored as its
    result, as the pipeline stores it."""
    fields.setdefault("status", Run.Status.SUCCEEDED)
    run = RunFactory(conversation__user=user, citation_style=style, **fields)
    if document is None:
        document = sample_document(style=style)
    if document:
        run.result_message = Message.objects.create(
            conversation=run.conversation, role=Message.Role.ASSISTANT, content=document
        )
        run.save(update_fields=["result_message"])
    return run


@pytest.fixture
def make_finished_run():
    return finished_run

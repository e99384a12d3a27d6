from __future__ import annotations

from apps.conversations.models import Run


def run_version(*, run: Run) -> int:
    """The run's version number as its card shows it: succeeded runs count 1, 2, 3...; a stopped
    or failed run carries the number the next version will have."""
    succeeded = Run.objects.filter(
        conversation_id=run.conversation_id,
        status=Run.Status.SUCCEEDED,
        created_at__lte=run.created_at,
    ).count()
    return succeeded if run.status == Run.Status.SUCCEEDED else succeeded + 1

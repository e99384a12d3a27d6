"""An export's file goes with its row, however the row goes: a run's, a conversation's or an
account's deletion cascades here from layers below this app, which cannot reach its storage."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from apps.exports.models import Export


@receiver(post_delete, sender=Export)
def _delete_file(sender: type[Export], instance: Export, **kwargs: Any) -> None:
    if not instance.file:
        return
    storage, name = instance.file.storage, instance.file.name
    # After the commit: a deletion rolled back must not have lost the file.
    transaction.on_commit(lambda: storage.delete(name))

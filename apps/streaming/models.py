from __future__ import annotations

from typing import Any, cast

from django.db import models

from apps.streaming.events import Event, EventType


class RunEvent(models.Model):
    """One published event of a run. The log is the truth; the channel layer only carries news."""

    run = models.ForeignKey("conversations.Run", on_delete=models.CASCADE, related_name="events")
    seq = models.PositiveIntegerField()
    type = models.CharField(max_length=16, choices=[(t.value, t.value) for t in EventType])
    payload = models.JSONField(default=dict)
    created_at = models.DateTimeField()

    class Meta:
        ordering = ["run", "seq"]
        constraints = [models.UniqueConstraint(fields=["run", "seq"], name="runevent_unique_seq")]

    def __str__(self) -> str:
        return f"{self.run_id} #{self.seq} {self.type}"

    def to_wire(self, *, conversation_id: object) -> Event:
        # The payload was checked against its type when it was published.
        wire: dict[str, Any] = {
            "type": self.type,
            "conversation_id": str(conversation_id),
            "run_id": str(self.run_id),
            "seq": self.seq,
            "timestamp": self.created_at.isoformat(),
            **self.payload,
        }
        return cast("Event", wire)

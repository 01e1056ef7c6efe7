"""Reactions to other domains' events, in the transaction that caused them."""

from __future__ import annotations

from ..events import DirectiveIssued, subscriber
from .notifications import queue_new_task_notices


@subscriber(DirectiveIssued)
def notify_new_tasks(dbsession, event: DirectiveIssued) -> None:
    """A directive was issued: tell the lead and coordinating agencies of each of its tasks."""
    queue_new_task_notices(dbsession, event.task_ids)

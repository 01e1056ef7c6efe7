"""Domain events, published inside the transaction that caused them.

A domain publishes what happened (``DirectiveIssued``); another domain that must react in the same
transaction (the reminders outbox queues notifications) subscribes. Works the same from a web
request, the API, the scheduler and the command line, since it needs only the session.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

_handlers: dict[type, list[Callable]] = defaultdict(list)


@dataclass(frozen=True)
class DirectiveIssued:
    directive_id: int
    task_ids: tuple[int, ...]
    actor_id: int | None = None


@dataclass(frozen=True)
class DirectiveWithdrawn:
    directive_id: int
    cancelled_task_ids: tuple[int, ...]
    actor_id: int | None = None


@dataclass(frozen=True)
class TaskEvent:
    """Something happened to a task: ``action`` is the lifecycle transition or 'comment' etc."""

    task_id: int
    action: str
    actor_id: int | None = None
    details: dict = field(default_factory=dict)


def subscriber(event_type: type):
    """Register the decorated ``handler(dbsession, event)`` for ``event_type``."""

    def register(handler):
        if handler not in _handlers[event_type]:
            _handlers[event_type].append(handler)
        return handler

    return register


def publish(dbsession: Session, event) -> None:
    """Call every handler of ``type(event)`` now, in the caller's transaction."""
    for handler in list(_handlers[type(event)]):
        handler(dbsession, event)

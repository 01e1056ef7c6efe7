"""An issued directive is immutable: a flush that would change it, or anything written under it, fails.

The services refuse such changes with a clear message first (``WrongState``); this guard is the
backstop for any other code path (a script, a future view) and makes the rule testable on its own.
Corrections go through an amending directive or withdrawal, which change only what is allowed below.
"""

from __future__ import annotations

from sqlalchemy import event, inspect
from sqlalchemy.orm import Session

from .models import (
    FINAL_STATUSES,
    AmendmentChange,
    Attachment,
    Directive,
    DirectiveTask,
    DirectiveTaskCoordinator,
    Recipient,
    Reference,
    Target,
)

# what withdrawal may still set on an issued directive
MUTABLE_AFTER_ISSUE = frozenset({"status", "withdrawn_at", "withdrawn_by_id", "withdrawal_reason", "version"})


class DirectiveImmutable(Exception):
    """Something tried to change an issued (or withdrawn) directive."""


def _committed_status(directive: Directive) -> str | None:
    history = inspect(directive).attrs.status.history
    if history.deleted:
        return history.deleted[0]
    return directive.status


def _owner(obj) -> Directive | None:
    if isinstance(obj, (Recipient, Reference, DirectiveTask, AmendmentChange, Attachment)):
        return obj.directive
    if isinstance(obj, (Target, DirectiveTaskCoordinator)):
        return obj.directive_task.directive if obj.directive_task is not None else None
    return None


def check(session: Session) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, Directive):
            state = inspect(obj)
            if state.persistent and _committed_status(obj) in FINAL_STATUSES:
                if obj in session.deleted:
                    raise DirectiveImmutable(f"directive {obj.id} is issued and cannot be deleted")
                changed = {attr.key for attr in state.attrs if attr.history.has_changes()}
                if changed - MUTABLE_AFTER_ISSUE:
                    raise DirectiveImmutable(
                        f"directive {obj.id} is issued; cannot change {sorted(changed - MUTABLE_AFTER_ISSUE)}"
                    )
    for obj in list(session.new) + list(session.dirty) + list(session.deleted):
        if isinstance(obj, Directive):
            continue
        owner = _owner(obj)
        if owner is None or not inspect(owner).persistent:
            continue
        if isinstance(obj, AmendmentChange) and obj in session.dirty and _only_applied(obj):
            continue
        if _committed_status(owner) in FINAL_STATUSES:
            raise DirectiveImmutable(f"directive {owner.id} is issued; its {type(obj).__name__} rows cannot change")


def _only_applied(change: AmendmentChange) -> bool:
    state = inspect(change)
    return {attr.key for attr in state.attrs if attr.history.has_changes()} <= {"applied_at"}


@event.listens_for(Session, "before_flush")
def _before_flush(session, flush_context, instances):
    check(session)

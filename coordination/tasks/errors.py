"""Domain errors of the task lifecycle. Views map them: NotAllowed → 403 (404 when the caller may
not even see the task), StaleVersion → 409 / a conflict message, InvalidInput → 400 / form errors."""

from __future__ import annotations


class TaskError(Exception):
    pass


class NotAllowed(TaskError):
    """The actor may not do this to this task in its current state. ``visible`` is False when the
    actor may not even read the task (the caller must then reveal nothing about it)."""

    def __init__(self, message: str, *, visible: bool = True):
        super().__init__(message)
        self.message = message
        self.visible = visible


class StaleVersion(TaskError):
    """The write was based on ``expected`` but the task is at ``current``: nothing was changed."""

    def __init__(self, expected: int | None, current: int):
        super().__init__(f"task changed since version {expected} (now {current})")
        self.expected = expected
        self.current = current


class InvalidInput(TaskError):
    """Bad values; ``fields`` maps a field name to a (Vietnamese) message."""

    def __init__(self, fields: dict[str, str], message: str = "Dữ liệu không hợp lệ."):
        super().__init__(message)
        self.message = message
        self.fields = fields

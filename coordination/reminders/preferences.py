"""A user's choice of how reminders reach them."""

from __future__ import annotations

from ..accounts.models import NOTIFICATION_MODES, User


def set_notification_mode(user: User, mode: str) -> None:
    """Immediate mails or one daily digest. Notices already held for a digest stay held."""
    if mode not in NOTIFICATION_MODES:
        raise ValueError(f"unknown notification mode {mode!r}")
    user.notification_mode = mode

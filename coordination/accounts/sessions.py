"""Server-side sessions: one row per signed-in browser, so logging out ends only that browser.

The signed cookie carries a random session id; the database keeps only its SHA-256, so a copy of
the table gives nobody a usable cookie. A request's identity is looked up together with its session
row, in the one query that loads the user (``find``): checking the session costs no extra round trip.

A session is alive while it has not been ended, its user is active, it has been used within the idle
limit and it is younger than the absolute limit. ``last_seen_at`` is refreshed at most once per
``touch`` interval (not a write per request), so the idle limit may fall up to that much early.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session, joinedload

from ..clock import now
from .models import User, UserSession

# why a session ended (user_sessions.end_reason)
LOGOUT = "logout"                # the user logged out in that browser
ENDED_BY_USER = "ended_by_user"  # ended from the user's own sessions page
PASSWORD = "password"            # the password was changed: every session of the user
DEACTIVATED = "deactivated"      # the account was locked by an administrator
ADMIN = "admin"                  # an administrator ended every session of the user


def hash_token(token: str) -> str:
    """SHA-256 of a secret (session ids, API tokens): what the database keeps instead of it."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class SessionRules:
    """How long a session lives. Settings (minutes): ``session.idle_minutes`` (default 480, a working
    day without a click), ``session.absolute_minutes`` (default 1440: log in again every day),
    ``session.touch_minutes`` (default 5: how often ``last_seen_at`` is written); and
    ``session.keep_days`` (default 90): how long an ended or expired session stays on record (who
    signed in from where, and why it ended) before the nightly purge deletes it."""

    idle: dt.timedelta = dt.timedelta(hours=8)
    absolute: dt.timedelta = dt.timedelta(hours=24)
    touch: dt.timedelta = dt.timedelta(minutes=5)
    keep: dt.timedelta = dt.timedelta(days=90)

    @classmethod
    def from_settings(cls, settings) -> SessionRules:
        def minutes(key: str, default: int, least: int) -> dt.timedelta:
            value = int(settings.get(key, default))
            if value < least:
                raise ValueError(f"{key} must be at least {least}")
            return dt.timedelta(minutes=value)

        return cls(
            idle=minutes("session.idle_minutes", 480, 1),
            absolute=minutes("session.absolute_minutes", 1440, 1),
            touch=minutes("session.touch_minutes", 5, 0),
            keep=dt.timedelta(days=_at_least(settings.get("session.keep_days", 90), 1, "session.keep_days")),
        )

    def alive(self, at: dt.datetime) -> tuple:
        """The WHERE conditions of a live session at ``at``."""
        return (
            UserSession.ended_at.is_(None),
            UserSession.last_seen_at > at - self.idle,
            UserSession.created_at > at - self.absolute,
        )


def _at_least(value, least: int, key: str) -> int:
    number = int(value)
    if number < least:
        raise ValueError(f"{key} must be at least {least}")
    return number


def start(dbsession: Session, user: User, *, user_agent: str | None, address: str | None) -> str:
    """Record a new session of ``user`` and return its id, to be put in the signed cookie only."""
    session_id = secrets.token_urlsafe(32)
    at = now()
    dbsession.add(UserSession(
        user_id=user.id, token_hash=hash_token(session_id), created_at=at, last_seen_at=at,
        user_agent=(user_agent or "")[:200] or None, address=address,
    ))
    dbsession.flush()
    return session_id


def find(dbsession: Session, session_id: str, rules: SessionRules) -> tuple[User, UserSession] | None:
    """The active user (with its agency and roles) and live session behind ``session_id``, in one
    query; None if there is none.

    Refreshes ``last_seen_at`` when it is older than ``rules.touch`` (written at commit).
    """
    at = now()
    row = dbsession.execute(
        select(User, UserSession)
        .join(UserSession, UserSession.user_id == User.id)
        .where(UserSession.token_hash == hash_token(session_id), User.active.is_(True), *rules.alive(at))
        # the roles ride along (one row per role) instead of a second round trip on every request
        .options(joinedload(User.role_rows))
    ).unique().first()
    if row is None:
        return None
    user, session = row
    if at - session.last_seen_at >= rules.touch:
        session.last_seen_at = at
    return user, session


def end(session: UserSession, reason: str) -> None:
    if session.ended_at is None:
        session.ended_at = now()
        session.end_reason = reason


def end_all(dbsession: Session, user: User, reason: str, *, keep: UserSession | None = None) -> int:
    """End every session of ``user`` (password change, deactivation, an administrator's decision),
    except ``keep`` if given (the user ending their other sessions). Returns how many were open."""
    spared = () if keep is None else (UserSession.id != keep.id,)
    result = dbsession.execute(
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None), *spared)
        .values(ended_at=now(), end_reason=reason)
        .execution_options(synchronize_session="fetch")
    )
    return result.rowcount


def live_sessions(dbsession: Session, user: User, rules: SessionRules) -> list[UserSession]:
    """The user's live sessions, the most recently used first."""
    return list(dbsession.scalars(
        select(UserSession)
        .where(UserSession.user_id == user.id, *rules.alive(now()))
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
    ))


def live_counts(dbsession: Session, rules: SessionRules) -> dict[int, int]:
    """How many live sessions each user has (users without any are left out)."""
    rows = dbsession.execute(
        select(UserSession.user_id, func.count()).where(*rules.alive(now())).group_by(UserSession.user_id)
    )
    return dict(rows.all())


def purge(dbsession: Session, rules: SessionRules, at: dt.datetime | None = None) -> int:
    """Delete the sessions that ended, or expired, more than ``rules.keep`` before ``at``; a live
    session is never touched. Returns how many rows went. Run nightly by the scheduler
    (``coordination purge-sessions`` once)."""
    before = (at or now()) - rules.keep
    result = dbsession.execute(
        delete(UserSession)
        .where(or_(UserSession.ended_at < before,
                   UserSession.last_seen_at < before - rules.idle,
                   UserSession.created_at < before - rules.absolute))
        .execution_options(synchronize_session=False)
    )
    return result.rowcount


# -- telling one browser from another on the sessions page ---------------------

_BROWSERS = (
    ("coc_coc_browser/", "Cốc Cốc"), ("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"),
    ("Chrome/", "Chrome"), ("Safari/", "Safari"),
)
_SYSTEMS = (
    ("Windows", "Windows"), ("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"),
    ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"),
)


def describe_user_agent(user_agent: str | None) -> str | None:
    """A short name for a browser, e.g. "Cốc Cốc 118 · Windows"; None when it cannot be told."""
    if not user_agent:
        return None
    browser = next(((marker, name) for marker, name in _BROWSERS if marker in user_agent), None)
    system = next((name for marker, name in _SYSTEMS if marker in user_agent), None)
    if browser is not None:
        marker, name = browser
        version_marker = "Version/" if name == "Safari" else marker
        version = re.search(re.escape(version_marker) + r"(\d+)", user_agent)
        browser_text = f"{name} {version.group(1)}" if version else name
    else:
        browser_text = None
    parts = [part for part in (browser_text, system) if part]
    return " · ".join(parts) or None

"""Accounts: passwords, login throttling, ending sessions, API tokens (sessions themselves: sessions.py)."""

from __future__ import annotations

import datetime as dt
import logging
import secrets
from dataclasses import dataclass

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import func, select
from sqlalchemy.orm import Session, object_session

from ..clock import now
from ..organizations.models import Agency
from ..security import hash_token
from ..text import clean
from . import sessions
from .models import ApiToken, LoginAttempt, User

log = logging.getLogger(__name__)
_hasher = PasswordHasher()
# verified against when the login is unknown, so a wrong login costs as long as a wrong password
_DUMMY_HASH = _hasher.hash("not a password of anyone")


def configure_hasher(**parameters) -> None:
    """Replace the Argon2id parameters (tests use cheap ones; hashes made before still verify)."""
    global _hasher, _DUMMY_HASH
    _hasher = PasswordHasher(**parameters)
    _DUMMY_HASH = _hasher.hash("not a password of anyone")

MIN_PASSWORD_LENGTH = 10


class LoginLocked(Exception):
    """Too many failed attempts for this login; ``until`` is when it may try again."""

    def __init__(self, until: dt.datetime):
        super().__init__(until)
        self.until = until


@dataclass(frozen=True)
class ThrottlePolicy:
    max_failures: int = 5
    lock_minutes: int = 15

    @classmethod
    def from_settings(cls, settings) -> ThrottlePolicy:
        return cls(int(settings.get("login.max_failures", 5)), int(settings.get("login.lock_minutes", 15)))


def hash_password(password: str) -> str:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"password shorter than {MIN_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


def check_password(user: User, password: str) -> bool:
    """True if ``password`` is the user's; rehashes with current parameters when needed."""
    if not user.password_hash:
        return False
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return True


def locked_until(dbsession: Session, login: str, policy: ThrottlePolicy) -> dt.datetime | None:
    """When a locked login may try again, or None if it is not locked.

    A login is locked once it has ``max_failures`` failures since its last success within the
    last ``lock_minutes``; the lock runs ``lock_minutes`` from the latest failure.
    """
    window_start = now() - dt.timedelta(minutes=policy.lock_minutes)
    last_success = dbsession.scalar(
        select(func.max(LoginAttempt.at)).where(LoginAttempt.login == login, LoginAttempt.success.is_(True))
    )
    since = max(window_start, last_success) if last_success else window_start
    failures = dbsession.execute(
        select(func.count(), func.max(LoginAttempt.at)).where(
            LoginAttempt.login == login, LoginAttempt.success.is_(False), LoginAttempt.at > since
        )
    ).one()
    if failures[0] >= policy.max_failures:
        latest = failures[1]
        if latest.tzinfo is None:
            latest = latest.replace(tzinfo=dt.timezone.utc)
        return latest + dt.timedelta(minutes=policy.lock_minutes)
    return None


def authenticate(
    dbsession: Session, login: str, password: str, address: str | None, policy: ThrottlePolicy
) -> User | None:
    """The active user with this login and password, or None. Raises LoginLocked when throttled.

    Every attempt is recorded; the caller must not tell which of login or password was wrong.
    """
    login = (clean(login) or "").lower()
    until = locked_until(dbsession, login, policy)
    if until is not None:
        log.warning("login locked: login=%r address=%s until=%s", login, address, until.isoformat())
        raise LoginLocked(until)
    user = dbsession.scalar(select(User).where(User.login == login))
    if user is None:
        try:
            _hasher.verify(_DUMMY_HASH, password)
        except VerificationError:
            pass
        ok = False
    else:
        ok = user.active and check_password(user, password)
    dbsession.add(LoginAttempt(login=login, address=address, success=ok))
    if not ok:
        log.warning("login failed: login=%r address=%s", login, address)
        return None
    log.info("login: login=%r address=%s", login, address)
    return user


def change_password(user: User, new_password: str) -> None:
    """Set a new password and end every existing session of the user (in every browser)."""
    user.password_hash = hash_password(new_password)
    end_sessions(user, sessions.PASSWORD)


def end_sessions(user: User, reason: str = sessions.ADMIN) -> int:
    """End every session of ``user`` in every browser; returns how many were open.

    Logging out ends only the browser's own session (``SecurityPolicy.forget``).
    """
    dbsession = object_session(user)
    if dbsession is None or user.id is None:
        return 0  # a user not yet stored has no sessions
    return sessions.end_all(dbsession, user, reason)


def create_user(
    dbsession: Session,
    *,
    login: str,
    full_name: str,
    agency: Agency,
    roles,
    email: str | None = None,
    password: str | None = None,
    language: str = "vi",
) -> User:
    login = (clean(login) or "").lower()
    if not login:
        raise ValueError("login is required")
    if dbsession.scalar(select(User.id).where(User.login == login)) is not None:
        raise ValueError(f"login {login!r} is taken")
    user = User(
        login=login,
        full_name=clean(full_name) or login,
        email=clean(email),
        agency=agency,
        language=language,
        password_hash=hash_password(password) if password else None,
    )
    user.roles = roles
    dbsession.add(user)
    dbsession.flush()
    return user


def create_api_token(dbsession: Session, user: User, *, scope: str = "api", label: str | None = None) -> str:
    """Make a new token for ``user`` and return it; only its hash is kept, so it is shown once."""
    token = secrets.token_urlsafe(32)
    dbsession.add(ApiToken(user=user, token_hash=hash_token(token), scope=scope, label=label))
    dbsession.flush()
    return token


def revoke_api_token(token_row: ApiToken) -> None:
    token_row.revoked_at = now()


def update_user(user: User, values: dict, agency: Agency) -> None:
    """Apply the admin form; deactivating or changing the password ends the user's sessions."""
    user.login = values["login"].lower()
    user.full_name = values["full_name"]
    user.email = values["email"]
    user.agency = agency
    user.roles = values["roles"]
    user.language = values["language"]
    if user.active and not values["active"]:
        end_sessions(user, sessions.DEACTIVATED)
    user.active = values["active"]
    if values.get("password"):
        change_password(user, values["password"])

"""People who log in, their roles, their browser sessions, failed-login records and API tokens."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import CheckConstraint, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..clock import now
from ..db import Base
from ..organizations.models import Agency

# Role codes. admin/leader/clerk belong to the issuing office; the other two to any agency.
ADMIN = "admin"
LEADER = "leader"
CLERK = "clerk"
AGENCY_HEAD = "agency_head"
AGENCY_OFFICER = "agency_officer"
ROLES = (ADMIN, LEADER, CLERK, AGENCY_HEAD, AGENCY_OFFICER)

LANGUAGES = ("vi", "en")

# how a user receives reminders (overdue and escalation notices are always sent at once)
IMMEDIATE = "immediate"
DIGEST = "digest"
NOTIFICATION_MODES = (IMMEDIATE, DIGEST)


class UserRole(Base):
    __tablename__ = "user_roles"
    __table_args__ = (CheckConstraint("role IN ('admin','leader','clerk','agency_head','agency_officer')", name="known_role"),)

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(20), primary_key=True)


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(80), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    agency_id: Mapped[int] = mapped_column(ForeignKey("agencies.id"), index=True)
    password_hash: Mapped[str | None] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    language: Mapped[str] = mapped_column(String(5), default="vi")
    notification_mode: Mapped[str] = mapped_column(String(10), default=IMMEDIATE, server_default=IMMEDIATE)
    created_at: Mapped[dt.datetime] = mapped_column(default=now)

    agency: Mapped[Agency] = relationship(lazy="joined")
    role_rows: Mapped[list[UserRole]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    @property
    def roles(self) -> set[str]:
        return {row.role for row in self.role_rows}

    @roles.setter
    def roles(self, codes) -> None:
        wanted = set(codes)
        unknown = wanted - set(ROLES)
        if unknown:
            raise ValueError(f"unknown roles: {sorted(unknown)}")
        self.role_rows = [row for row in self.role_rows if row.role in wanted] + [
            UserRole(role=code) for code in sorted(wanted - self.roles)
        ]

    def has_role(self, *codes: str) -> bool:
        return bool(self.roles.intersection(codes))

    def __repr__(self) -> str:
        return f"<User {self.login}>"


class LoginAttempt(Base):
    """One login attempt, kept to throttle guessing and for the security log."""

    __tablename__ = "login_attempts"
    __table_args__ = (Index("ix_login_attempts_login_at", "login", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    login: Mapped[str] = mapped_column(String(80))
    address: Mapped[str | None] = mapped_column(String(64))
    success: Mapped[bool]
    at: Mapped[dt.datetime] = mapped_column(default=now)


class ApiToken(Base):
    """A bearer token. Only its SHA-256 is stored; ``scope`` 'api' or 'calendar' (read-only feed)."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    scope: Mapped[str] = mapped_column(String(20), default="api")
    label: Mapped[str | None] = mapped_column(String(120))
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    last_used_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]

    user: Mapped[User] = relationship(lazy="joined")


class UserSession(Base):
    """One signed-in browser. The cookie carries a random id; only its SHA-256 is stored here.

    A session is alive while ``ended_at`` is empty, the user is active, and neither the idle nor
    the absolute limit has passed (see ``accounts/sessions.py``). Logout ends this row only;
    a password change, deactivation or an administrator ends every row of the user.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[dt.datetime] = mapped_column(default=now)
    # refreshed at most once per ``session.touch_seconds``, not on every request
    last_seen_at: Mapped[dt.datetime] = mapped_column(default=now)
    user_agent: Mapped[str | None] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(64))
    ended_at: Mapped[dt.datetime | None]
    # logout, password, deactivated, admin, ended_by_user: for the security log
    end_reason: Mapped[str | None] = mapped_column(String(20))

    @property
    def active(self) -> bool:
        return self.ended_at is None

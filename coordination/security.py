"""The security policy: who the caller is (session or API token) and what they may do (ACLs).

Principals: ``user:<id>``, ``role:<code>``, ``agency:<id>`` and ``agency:<id>:<role>``. Contexts
(resources) carry ``__acl__`` lists built from these; the root grants by role alone.
"""

from __future__ import annotations

import hashlib

from pyramid.authorization import ACLHelper, Allow, Authenticated, Everyone
from pyramid.csrf import new_csrf_token
from pyramid.request import RequestLocalCache
from pyramid.security import NO_PERMISSION_REQUIRED  # noqa: F401  (re-exported for views)
from sqlalchemy import select

from .accounts.models import ADMIN, AGENCY_HEAD, AGENCY_OFFICER, CLERK, LEADER, ApiToken, User
from .clock import now

SESSION_USER = "auth.uid"
SESSION_GENERATION = "auth.gen"
VIA_TOKEN = "coordination.via_token"

# Permissions, named by what they let a person do
VIEW = "view"                     # any logged-in user: home, own profile, lists meant for everyone
ADMINISTER = "admin"              # agencies, groups, users, holidays
DRAFT_DIRECTIVE = "directive.draft"
SIGN_DIRECTIVE = "directive.sign"
READ_ALL = "directive.read_all"   # the issuing office sees every directive and task
WORK_ON_TASKS = "task.work"       # an agency's officers acting on what is addressed to it
API = "api"


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Root:
    """The root context: permissions that depend on role only."""

    __acl__ = [
        (Allow, Authenticated, VIEW),
        (Allow, Authenticated, API),
        (Allow, f"role:{ADMIN}", ADMINISTER),
        (Allow, f"role:{CLERK}", (DRAFT_DIRECTIVE, READ_ALL)),
        (Allow, f"role:{LEADER}", (DRAFT_DIRECTIVE, SIGN_DIRECTIVE, READ_ALL)),
        (Allow, f"role:{ADMIN}", READ_ALL),
        (Allow, f"role:{AGENCY_HEAD}", WORK_ON_TASKS),
        (Allow, f"role:{AGENCY_OFFICER}", WORK_ON_TASKS),
    ]

    def __init__(self, request):
        self.request = request


def principals_for(user: User | None) -> list[str]:
    principals = [Everyone]
    if user is None:
        return principals
    principals += [Authenticated, f"user:{user.id}", f"agency:{user.agency_id}"]
    for role in sorted(user.roles):
        principals += [f"role:{role}", f"agency:{user.agency_id}:{role}"]
    return principals


class SecurityPolicy:
    def __init__(self):
        self.acl = ACLHelper()
        self.identity_cache = RequestLocalCache(self.load_identity)

    # -- identity ---------------------------------------------------------
    def load_identity(self, request) -> User | None:
        token = _bearer_token(request)
        if token is not None:
            return self._identity_from_token(request, token, scope="api")
        uid = request.session.get(SESSION_USER)
        if uid is None:
            return None
        user = request.dbsession.get(User, uid)
        if user is None or not user.active:
            return None
        if request.session.get(SESSION_GENERATION) != user.session_generation:
            # logged out elsewhere or password changed: this cookie is dead
            return None
        return user

    def _identity_from_token(self, request, token: str, scope: str) -> User | None:
        request.environ[VIA_TOKEN] = True
        row = request.dbsession.scalar(
            select(ApiToken).where(ApiToken.token_hash == hash_token(token), ApiToken.scope == scope)
        )
        if row is None or row.revoked_at is not None or not row.user.active:
            return None
        row.last_used_at = now()
        return row.user

    def identity(self, request) -> User | None:
        return self.identity_cache.get_or_create(request)

    def authenticated_userid(self, request):
        user = self.identity(request)
        return None if user is None else user.id

    def effective_principals(self, request) -> list[str]:
        return principals_for(self.identity(request))

    def permits(self, request, context, permission):
        return self.acl.permits(context, self.effective_principals(request), permission)

    # -- session ----------------------------------------------------------
    def remember(self, request, userid, **kw):
        """Start a fresh session for ``userid``: new session id and CSRF token (no fixation)."""
        user = request.dbsession.get(User, userid)
        request.session.invalidate()
        request.session[SESSION_USER] = user.id
        request.session[SESSION_GENERATION] = user.session_generation
        new_csrf_token(request)
        self.identity_cache.clear(request)
        return []

    def forget(self, request, **kw):
        request.session.invalidate()
        self.identity_cache.clear(request)
        return []


def _bearer_token(request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def via_token(request) -> bool:
    """True when the request authenticates with a bearer token (no session, so no CSRF)."""
    return _bearer_token(request) is not None


def includeme(config):
    from pyramid.session import SignedCookieSessionFactory

    settings = config.get_settings()
    config.set_session_factory(
        SignedCookieSessionFactory(
            settings["session.secret"],
            cookie_name="coordination_session",
            httponly=True,
            samesite="Lax",
            secure=settings["session.secure"],
            max_age=None,
            timeout=int(settings.get("session.timeout", 8 * 3600)),
            reissue_time=300,
        )
    )
    config.set_security_policy(SecurityPolicy())
    config.set_root_factory(Root)
    # every unsafe request from a session must carry the CSRF token; token clients have no session
    config.set_default_csrf_options(require_csrf=True, callback=lambda request: not via_token(request))
    config.add_request_method("coordination.tweens.csp_nonce", "csp_nonce", reify=True)
    config.add_tween("coordination.tweens.security_headers_tween_factory")

"""The security policy: who the caller is (session or API token) and what they may do (ACLs).

Principals: ``user:<id>``, ``role:<code>``, ``agency:<id>`` and ``agency:<id>:<role>``. Contexts
(resources) carry ``__acl__`` lists built from these; the root grants by role alone.
"""

from __future__ import annotations

from pyramid.authorization import ACLHelper, Allow, Authenticated, Everyone
from pyramid.csrf import new_csrf_token
from pyramid.interfaces import ISecurityPolicy
from pyramid.request import RequestLocalCache
from pyramid.security import NO_PERMISSION_REQUIRED  # noqa: F401  (re-exported for views)
from sqlalchemy import select

from .accounts import sessions as user_sessions
from .accounts.models import ADMIN, AGENCY_HEAD, AGENCY_OFFICER, CLERK, LEADER, ApiToken, User, UserSession
from .accounts.sessions import SessionRules, hash_token  # noqa: F401  (hash_token re-exported)
from .clock import now

# the signed cookie holds only this: the random id of a user_sessions row (stored there hashed)
SESSION_ID = "auth.sid"
VIA_TOKEN = "coordination.via_token"

# Permissions, named by what they let a person do
VIEW = "view"                     # any logged-in user: home, own profile, lists meant for everyone
ADMINISTER = "admin"              # agencies, groups, users, holidays
DRAFT_DIRECTIVE = "directive.draft"
SIGN_DIRECTIVE = "directive.sign"
READ_ALL = "directive.read_all"   # the issuing office sees every directive and task
WORK_ON_TASKS = "task.work"       # an agency's officers acting on what is addressed to it
API = "api"


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
    def __init__(self, rules: SessionRules | None = None):
        self.acl = ACLHelper()
        self.rules = rules or SessionRules()
        self.identity_cache = RequestLocalCache(self.load_identity)
        self.session_cache = RequestLocalCache(self._load_session)

    # -- identity ---------------------------------------------------------
    def load_identity(self, request) -> User | None:
        token = _bearer_token(request)
        if token is not None:
            return self._identity_from_token(request, token, scope="api")
        found = self.session_cache.get_or_create(request)
        return None if found is None else found[0]

    def _load_session(self, request) -> tuple[User, UserSession] | None:
        if _bearer_token(request) is not None:
            return None
        session_id = request.session.get(SESSION_ID)
        if not isinstance(session_id, str) or not session_id:
            return None
        # ended (logout here, password change, deactivation), expired or unknown: anonymous
        return user_sessions.find(request.dbsession, session_id, self.rules)

    def current_session(self, request) -> UserSession | None:
        found = self.session_cache.get_or_create(request)
        return None if found is None else found[1]

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
        """Start a fresh session for ``userid`` in this browser: a new server-side session row, a new
        cookie session and a new CSRF token (no fixation). Other browsers' sessions are untouched."""
        user = request.dbsession.get(User, userid)
        request.session.invalidate()
        request.session[SESSION_ID] = user_sessions.start(
            request.dbsession, user, user_agent=request.user_agent, address=request.client_addr
        )
        new_csrf_token(request)
        self._clear(request)
        return []

    def forget(self, request, **kw):
        """End this browser's session (server side too); the user's other sessions go on."""
        session = self.current_session(request)
        if session is not None:
            user_sessions.end(session, kw.get("reason", user_sessions.LOGOUT))
        request.session.invalidate()
        self._clear(request)
        return []

    def _clear(self, request) -> None:
        self.identity_cache.clear(request)
        self.session_cache.clear(request)


def current_session(request) -> UserSession | None:
    """The server-side session row of this request's browser, or None (anonymous or token)."""
    return request.registry.getUtility(ISecurityPolicy).current_session(request)


def session_rules(request) -> SessionRules:
    return request.registry.getUtility(ISecurityPolicy).rules


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
    rules = SessionRules.from_settings(settings)
    config.set_session_factory(
        SignedCookieSessionFactory(
            settings["session.secret"],
            cookie_name="coordination_session",
            httponly=True,
            samesite="Lax",
            secure=settings["session.secure"],
            max_age=None,
            # the cookie lapses with the idle limit too; the server-side row decides in any case
            timeout=int(rules.idle.total_seconds()),
            reissue_time=min(300, int(rules.idle.total_seconds()) // 2),
        )
    )
    config.set_security_policy(SecurityPolicy(rules))
    config.set_root_factory(Root)
    # every unsafe request from a session must carry the CSRF token; token clients have no session
    config.set_default_csrf_options(require_csrf=True, callback=lambda request: not via_token(request))
    config.add_request_method("coordination.tweens.csp_nonce", "csp_nonce", reify=True)
    config.add_tween("coordination.tweens.security_headers_tween_factory")

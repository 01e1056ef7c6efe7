"""Settings parsing (ini + environment) and the one place the configurator is assembled."""

from __future__ import annotations

import os
import re

from pyramid.settings import asbool

from .paths import STATIC

_ENV_REF = re.compile(r"\$\{(?P<name>[A-Z0-9_]+)(?::-(?P<default>[^}]*))?\}")

# settings a deployment may set from the environment, whatever the ini says
_ENV_OVERRIDES = {
    "COORDINATION_DATABASE_URL": "sqlalchemy.url",
    "COORDINATION_SESSION_SECRET": "session.secret",
    "COORDINATION_BASE_URL": "app.base_url",
    "COORDINATION_ATTACHMENTS_DIR": "attachments.dir",
    "COORDINATION_MAIL_HOST": "mail.host",
    "COORDINATION_MAIL_PORT": "mail.port",
    "COORDINATION_MAIL_USERNAME": "mail.username",
    "COORDINATION_MAIL_PASSWORD": "mail.password",
    "COORDINATION_MAIL_SENDER": "mail.default_sender",
}


def expand_env(value: str) -> str:
    """Replace ``${NAME}`` and ``${NAME:-default}`` with environment values."""

    def repl(match: re.Match) -> str:
        name, default = match.group("name"), match.group("default")
        if name in os.environ:
            return os.environ[name]
        if default is not None:
            return default
        raise KeyError(f"environment variable {name} is required by the settings")

    return _ENV_REF.sub(repl, value)


def normalize_settings(settings: dict) -> dict:
    """Return settings with environment references expanded and defaults filled in."""
    out = {k: expand_env(v) if isinstance(v, str) else v for k, v in settings.items()}
    for env, key in _ENV_OVERRIDES.items():
        if os.environ.get(env):
            out[key] = os.environ[env]
    out.setdefault("session.secret", "")
    if not out["session.secret"] or len(out["session.secret"]) < 32:
        raise ValueError("session.secret must be set to at least 32 characters")
    out["session.secure"] = asbool(out.get("session.secure", False))
    out["security.hsts"] = asbool(out.get("security.hsts", False))
    out.setdefault("app.timezone", "Asia/Ho_Chi_Minh")
    out.setdefault("app.base_url", "http://localhost:6543")
    out.setdefault("attachments.dir", "var/attachments")
    out.setdefault("login.max_failures", "5")
    out.setdefault("login.lock_minutes", "15")
    out.setdefault("issuer.name", "Ủy ban nhân dân tỉnh")
    return out


def includeme(config):
    config.registry.settings.update(normalize_settings(dict(config.registry.settings)))
    settings = config.registry.settings
    settings.setdefault("tm.manager_hook", "pyramid_tm.explicit_manager")
    config.include("pyramid_retry")
    config.include("pyramid_tm")
    config.include("pyramid_chameleon")
    config.include(".db")
    config.include(".i18n")
    config.include(".forms")
    config.include(".security")
    config.include(".views")
    config.include(".routes")
    for domain in (".organizations", ".accounts", ".importing", ".directives", ".tasks", ".reports", ".reminders"):
        config.include(domain)
    config.add_static_view("static", str(STATIC), cache_max_age=3600)
    config.add_static_view("deform_static", "deform:static", cache_max_age=3600)

"""What the throughput benchmark adds to the application it serves (``pyramid.includes = bench.app``
in the benchmark's settings file only; never in production):

- ``GET /_bench/bare``: a bare Pyramid view (no database, no template) on the same server, through
  the same tweens and settings: the floor the application's pages are compared with;
- ``GET /_bench/dashboard``: a dashboard function (``bench.dashboard`` setting, ``module:function``
  called as fn(dbsession, ctx)) as JSON, to load-test another dashboard than the real page
  (``run.py --dashboard-url /_bench/dashboard --dashboard module:function``);
- the clock frozen at ``bench.now`` (the dataset's benchmark moment), as ``--now`` does for the CLI.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from pyramid.path import DottedNameResolver
from pyramid.response import Response
from pyramid.security import NO_PERMISSION_REQUIRED
from sqlalchemy import select

from coordination import clock
from coordination.organizations.models import Agency


def bare(request):
    return Response(b'{"ok": true}', content_type="application/json")


def dashboard(request):
    settings = request.registry.settings
    fn = DottedNameResolver().resolve(settings.get("bench.dashboard") or "bench.cases:dashboard_view")
    issuer_id = request.dbsession.scalar(select(Agency.id).where(Agency.code == "UBND"))
    return {"figures": fn(request.dbsession, SimpleNamespace(issuer_id=issuer_id))}


def includeme(config):
    now = config.registry.settings.get("bench.now")
    if now:
        clock.set_now(dt.datetime.fromisoformat(now))
    config.add_route("bench_bare", "/_bench/bare")
    config.add_view(bare, route_name="bench_bare", permission=NO_PERMISSION_REQUIRED)
    config.add_route("bench_dashboard", "/_bench/dashboard")
    config.add_view(dashboard, route_name="bench_dashboard", renderer="json", permission=NO_PERMISSION_REQUIRED)

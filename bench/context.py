"""What the measurements need to know about a built dataset, read once: the home province's issuer,
its busiest agency and that agency's officer, a cursor deep into its inbox, the task with the
longest history, and the DBAPI helpers the raw SQL runs through."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session, sessionmaker

from coordination import clock
from coordination.accounts.models import User
from coordination.db import get_engine, get_session_factory
from coordination.directives.models import Directive
from coordination.organizations.models import Agency
from coordination.tasks import inbox
from coordination.tasks.models import AuditEvent, Task

from .scales import BENCH_AT


@dataclass
class Context:
    url: str
    engine: object
    factory: sessionmaker
    dialect: str
    issuer_id: int
    agency_id: int
    agency_code: str
    officer_login: str
    officer_id: int
    viewer_id: int                 # the issuing office's clerk (sees every task)
    agency_tasks: int
    deep_cursor: str | None
    deep_position: int
    history_task_id: int
    history_events: int
    year: int = BENCH_AT.year
    settings: dict = field(default_factory=dict)

    def session(self) -> Session:
        return self.factory()

    # -- raw SQL through the DBAPI, no ORM --------------------------------------------------------

    def raw(self):
        """A DBAPI connection from the pool, in a transaction (roll back, then close it to give it
        back). The application's SQLite connections run in autocommit mode and SQLAlchemy emits
        BEGIN itself (see coordination.db), so here the BEGIN is ours too."""
        conn = self.engine.raw_connection()
        if self.dialect == "sqlite":
            conn.cursor().execute("BEGIN")
        return conn

    def sql(self, statement: str) -> str:
        """``:name`` parameters in the driver's own style (psycopg wants ``%(name)s``)."""
        if self.dialect == "postgresql":
            return re.sub(r"(?<![:\w]):(\w+)", r"%(\1)s", statement.replace("%", "%%"))
        return statement


def load(url: str) -> Context:
    clock.set_now(BENCH_AT)
    engine = get_engine({"sqlalchemy.url": url, "sqlalchemy.pool_size": "5"})
    factory = get_session_factory(engine)
    with factory() as s:
        issuer_id = s.scalar(select(Agency.id).where(Agency.code == "UBND"))
        home = select(Directive.id).where(Directive.issuer_id == issuer_id)
        agency_id, agency_tasks = s.execute(
            select(Task.lead_agency_id, func.count()).where(Task.directive_id.in_(home))
            .group_by(Task.lead_agency_id).order_by(func.count().desc(), Task.lead_agency_id).limit(1)).one()
        agency_code = s.scalar(select(Agency.code).where(Agency.id == agency_id))
        officer = s.scalars(select(User).where(User.agency_id == agency_id, User.login.like("cb.%"))).first()
        viewer_id = s.scalar(select(User.id).where(User.login == "chuyenvien"))
        # the cursor of the page that starts 80 % of the way down the agency's inbox
        position = int(agency_tasks * 0.8)
        cursor, seen = None, 0
        filters = inbox.InboxFilters()
        while seen < position:
            page = inbox.inbox_page(s, agency_id, filters, after=cursor, limit=min(1000, position - seen))
            seen += len(page.tasks)
            cursor = page.next_cursor
            s.expunge_all()
            if cursor is None:
                break
        history_task_id, history_events = s.execute(
            select(AuditEvent.entity_id, func.count()).where(AuditEvent.entity == "task",
                                                             AuditEvent.entity_id.in_(select(Task.id).where(Task.directive_id.in_(home))))
            .group_by(AuditEvent.entity_id).order_by(func.count().desc(), AuditEvent.entity_id).limit(1)).one()
    return Context(url=url, engine=engine, factory=factory, dialect=engine.dialect.name, issuer_id=issuer_id,
                   agency_id=agency_id, agency_code=agency_code, officer_login=officer.login, officer_id=officer.id,
                   viewer_id=viewer_id, agency_tasks=agency_tasks, deep_cursor=cursor, deep_position=seen,
                   history_task_id=history_task_id, history_events=history_events)


def today() -> dt.date:
    return clock.today()


def explain(ctx: Context, statement: str, params: dict) -> str:
    with ctx.engine.connect() as conn:
        prefix = "EXPLAIN (ANALYZE, BUFFERS) " if ctx.dialect == "postgresql" else "EXPLAIN QUERY PLAN "
        return "\n".join(str(row[-1] if ctx.dialect == "sqlite" else row[0])
                         for row in conn.execute(text(prefix + statement), params))

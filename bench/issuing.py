"""Issuing one directive to 100 agencies with 20 written tasks: 2,000 tasks, 4,000 coordinator rows,
the directive's audit row that records the fan-out and the new-task mails (the tasks' history and
audit trail start from these: nothing is written per task there), in one transaction (rolled back after each run,
so the dataset stays as built; the commit is not timed).

App: ``issue_directive`` (numbering, fan-out, amendments, audit, DirectiveIssued → outbox) and the
flush. Raw: the same rows inserted by hand-written multi-row INSERTs (one statement per table on
PostgreSQL, reading its rows from one JSON document as the application's own bulk path does;
executemany on SQLite)."""

from __future__ import annotations

import json

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from coordination import clock
from coordination.accounts.models import User
from coordination.directives import services
from coordination.directives.payload import draft_from_json
from coordination.organizations.models import Agency, AgencyGroup, AgencyKind
from coordination.reminders.outbox import _COLUMNS

from .context import Context
from .scales import BENCH_AT
from .timing import Measurement, measurement, paired


def _payload() -> dict:
    return {
        "type": "cong-van", "issuer": "UBND", "subject": "V/v đo thời gian ban hành", "body": "Nội dung.\n" * 20,
        "signer": {"name": "Nguyễn Duy Hưng", "capacity": "KT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"},
        "addressees": ["BENCH-100"],
        "tasks": [{"paragraph": str(n + 1), "content": f"Nhiệm vụ {n + 1}: triển khai, báo cáo kết quả.",
                   "lead": "BENCH-100", "coordinating": ["STC", "SKHDT"],
                   "deadline": {"kind": "date", "date": "2027-03-31"}} for n in range(20)],
    }


class Round:
    """One run's transaction: 100 new agencies in a group, a submitted draft addressed to them."""

    def __init__(self, ctx: Context):
        self.ctx = ctx

    def setup(self):
        clock.set_now(BENCH_AT)
        self.conn = self.ctx.engine.connect()
        self.transaction = self.conn.begin()
        s = self.session = Session(bind=self.conn, expire_on_commit=False)
        kind = s.scalar(select(AgencyKind).where(AgencyKind.code == "commune"))
        parent = s.scalar(select(Agency).where(Agency.code == "UBND"))
        agencies = [Agency(code=f"BENCH-X{i:03d}", name=f"Ủy ban nhân dân xã thử số {i}", kind=kind, parent=parent)
                    for i in range(100)]
        s.add_all(agencies)
        s.add(AgencyGroup(code="BENCH-100", name="Một trăm xã", members=agencies))
        s.flush()
        clerk = s.scalar(select(User).where(User.login == "chuyenvien"))
        self.leader = s.scalar(select(User).where(User.login == "lanhdao"))
        self.directive = services.create_draft(s, draft_from_json(_payload()), clerk)
        services.submit_directive(s, self.directive, clerk)
        self.agency_ids = [a.id for a in agencies]
        self.coordinators = [s.scalar(select(Agency.id).where(Agency.code == c)) for c in ("STC", "SKHDT")]
        self.written = [t.id for t in self.directive.tasks]

    def teardown(self):
        self.session.close()
        self.transaction.rollback()
        self.conn.close()


def measure(ctx: Context, reps: int) -> Measurement:
    import statistics
    import time

    from coordination.reminders import subscribers

    round_ = Round(ctx)
    seen: dict = {}
    notices_ms: list[float] = []
    queue = subscribers.queue_new_task_notices

    def timed_queue(dbsession, task_ids):
        # the new-task mails are queued inside issue_directive (DirectiveIssued): timed apart too
        started = time.perf_counter()
        try:
            return queue(dbsession, task_ids)
        finally:
            notices_ms.append((time.perf_counter() - started) * 1000)

    def app():
        issued = services.issue_directive(round_.session, round_.directive, round_.leader)
        round_.session.flush()
        if "tasks" not in seen:
            seen["tasks"] = len(issued.task_ids)
            seen["mails"] = round_.session.execute(text(
                f"SELECT {', '.join(_COLUMNS)} FROM outbox_messages WHERE task_id >= :first"),
                {"first": min(issued.task_ids)}).mappings().all()

    def raw():
        cur = round_.conn.connection.dbapi_connection.cursor()
        _raw_issue(ctx, cur, round_, [dict(m) for m in seen["mails"]])

    subscribers.queue_new_task_notices = timed_queue
    try:
        round_.setup()
        try:
            app()
        finally:
            round_.teardown()
        app_ms, raw_ms = paired(app, raw, reps, setup=round_.setup, teardown=round_.teardown)
    finally:
        subscribers.queue_new_task_notices = queue
    notices = statistics.median(notices_ms[-len(app_ms):])
    return measurement("issue_2000", app_ms, raw_ms,
                       note=(f"{seen['tasks']:,} tasks, {len(seen['mails']):,} new-task mails queued (median {notices:.0f} ms "
                             f"of it); flush timed, commit not (rolled back)"),
                       extra={"tasks": seen["tasks"], "mails": len(seen["mails"]), "notices_median_ms": round(notices, 1)})


def _raw_issue(ctx: Context, cur, r: Round, mails: list[dict]) -> None:
    now = clock.now()
    tasks = [(r.directive.id, written, str(n + 1), f"Nhiệm vụ {n + 1}: triển khai, báo cáo kết quả.", agency, "assigned",
              "date", "Hạn 31/03/2027", "2027-03-31", "2027-03-31", now, 1)
             for n, written in enumerate(r.written) for agency in r.agency_ids]
    columns = ("directive_id", "directive_task_id", "paragraph", "content", "lead_agency_id", "status", "deadline_kind",
               "deadline_text", "original_deadline", "deadline_in_force", "created_at", "version")
    pg = ctx.dialect == "postgresql"
    if pg:
        types = ("int", "int", "text", "text", "int", "text", "text", "text", "date", "date", "timestamptz", "int")
        sql, params = _from_json("tasks", columns, types, tasks, fixed=TASK_CONSTANTS)
        cur.execute(ctx.sql(sql + " RETURNING id"), params)
        ids = [row[0] for row in cur.fetchall()]
    else:
        marks = ", ".join("?" for _ in columns)
        ids = []
        for row in tasks:
            cur.execute(f"INSERT INTO tasks ({', '.join(columns)}) VALUES ({marks}) RETURNING id",
                        [v.isoformat(sep=" ") if hasattr(v, "hour") else v for v in row])
            ids.append(cur.fetchone()[0])
    links = [(task_id, agency, "assigned", "2027-03-31") for task_id in ids for agency in r.coordinators]
    # the fan-out is recorded once, in the directive's "issued" event (see coordination.directives.fanout)
    fan_out = [{"directive_task_id": written, "lead_agency_ids": r.agency_ids, "coordinating_agency_ids": r.coordinators,
                "deadline_in_force": "2027-03-31"} for written in r.written]
    audit = [(now, r.leader.id, r.leader.agency_id, "directive", r.directive.id, "issued",
              {"number": "1/UBND", "tasks": len(ids), "amended_tasks": [], "fan_out": fan_out})]
    _many(ctx, cur, "task_coordinators", ("task_id", "agency_id", "status", "deadline_in_force"), ("int", "int", "text", "date"), links,
          fixed=("status", "deadline_in_force"))
    _many(ctx, cur, "audit_events", ("at", "actor_id", "agency_id", "entity", "entity_id", "action", "after"),
          ("timestamptz", "int", "int", "text", "int", "text", "json"), audit)
    # the new-task mails: as many rows as the application queued, keyed by the new task ids
    by_old = sorted({m["task_id"] for m in mails})
    remap = dict(zip(by_old, ids))
    rows = [tuple({**m, "task_id": remap.get(m["task_id"]), "dedup_key": f"raw:{n}"}[c] for c in _COLUMNS)
            for n, m in enumerate(mails)]
    types = {"task_id": "int", "occurrence_id": "int", "threshold": "int", "task_count": "int", "due_on": "date", "recipient_user_id": "int",
             "recipient_agency_id": "int", "attempts": "int", "next_attempt_at": "timestamptz", "created_at": "timestamptz"}
    _many(ctx, cur, "outbox_messages", _COLUMNS, tuple(types.get(c, "text") for c in _COLUMNS), rows)


def _many(ctx: Context, cur, table: str, columns, types, rows, fixed=()) -> None:
    if not rows:
        return
    if ctx.dialect == "postgresql":
        sql, params = _from_json(table, columns, types, rows, fixed)
        cur.execute(ctx.sql(sql), params)
        return
    marks = ", ".join("?" for _ in columns)
    cur.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                    [[v.isoformat(sep=" ") if hasattr(v, "hour") else (v.isoformat() if hasattr(v, "isoformat") else
                                                                        json.dumps(v) if isinstance(v, dict) else v)
                      for v in row] for row in rows])


# the task columns with one value for the whole directive (hand-written SQL states them once)
TASK_CONSTANTS = ("directive_id", "status", "deadline_kind", "deadline_text", "original_deadline", "deadline_in_force",
                  "created_at", "version")


def _from_json(table: str, columns, types, rows, fixed=()) -> tuple[str, dict]:
    """One INSERT reading its rows from one JSON document, the ``fixed`` columns' values (the same
    in every row) given once, as ``coordination.directives.bulk`` does."""
    varying = [(i, c, t) for i, (c, t) in enumerate(zip(columns, types)) if c not in fixed]
    params = {f"k{i}": json.dumps(rows[0][i]) if t == "json" else rows[0][i]
              for i, (c, t) in enumerate(zip(columns, types)) if c in fixed}
    params["rows"] = json.dumps([{c: row[i] for i, c, _ in varying} for row in rows], ensure_ascii=False,
                                separators=(",", ":"), default=lambda v: v.isoformat())
    selected = [f"CAST(:k{i} AS {t})" if c in fixed else f"r.{c}" for i, (c, t) in enumerate(zip(columns, types))]
    sql = (f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(selected)} FROM json_to_recordset(CAST(:rows AS json)) "
           f"AS r({', '.join(f'{c} {t}' for _, c, t in varying)})")
    return sql, params

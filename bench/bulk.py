"""Carry out plan events in batches: the rows ``coordination.tasks.lifecycle`` would write, written
a day at a time (a set-based UPDATE of the tasks, one INSERT per table).

For each action this writes exactly what the lifecycle does (``tests/bench/test_bulk_equivalence.py``
runs the same plans both ways and compares every row): the task's new status, percent, completion
date, deadline in force, ``last_activity_at`` and ``version`` (+1 per action; +2 for a lead's progress
report that changes the task, whose report is flushed before the audit row, and for a cancellation,
flushed by the query of the task's open occurrences); one
``task_status_history`` row per status change; one ``deadline_changes`` row per approved extension;
the ``progress_reports``, ``extensions``, ``escalations`` and ``task_comments`` rows; one
``audit_events`` row per action with the same before/after values; and the copies of status and
deadline on ``task_coordinators``. It handles the actions of non-recurring tasks (recurring ones
always go through the lifecycle).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

from sqlalchemy import bindparam, select, text, update
from sqlalchemy.orm import Session

from coordination.accounts.models import User
from coordination.clock import LOCAL_TZ
from coordination.directives.bulk import insert_rows
from coordination.tasks.models import (
    ACKNOWLEDGED, ASSIGNED, CANCELLED, COMPLETED, COMPLETION_REPORTED, IN_PROGRESS, OPEN_STATUSES, RETURNED,
    AuditEvent, Comment, DeadlineChange, Escalation, Extension, ProgressReport, Task, TaskStatusHistory,
    task_coordinators,
)

from . import plans as P

UTC = dt.timezone.utc
ACTIVE = OPEN_STATUSES + (COMPLETION_REPORTED,)


class Ref:
    """An id to be allocated when the day's rows are written."""

    __slots__ = ("id", "table")

    def __init__(self, table: str):
        self.table, self.id = table, None


class State:
    __slots__ = ("status", "completed_on", "deadline", "percent", "version", "lead", "extension", "escalation",
                 "last_activity")

    def __init__(self, deadline: dt.date | None, lead: int):
        self.status, self.completed_on, self.deadline, self.percent, self.version = ASSIGNED, None, deadline, 0, 1
        self.lead, self.extension, self.escalation, self.last_activity = lead, None, None, None


def _iso(value):
    return value.isoformat() if isinstance(value, (dt.date, dt.datetime)) else value


class BulkPath:
    """Tasks registered with ``add_task`` (right after issuing) follow their plans through ``run``;
    ``flush_day`` writes what the day's events did."""

    def __init__(self, dbsession: Session):
        self.states: dict[int, State] = {}
        self.agency_of = dict(dbsession.execute(select(User.id, User.agency_id)).all())
        self.refused: Counter = Counter()
        self.done: Counter = Counter()
        self._reset()

    def _reset(self):
        self.touched: set[int] = set()
        self.synced: set[int] = set()
        self.rows: dict[str, list] = {name: [] for name in ("tsh", "dc", "audit", "reports", "ext", "esc", "comments")}
        self.ext_updates: dict[Ref, dict] = {}
        self.esc_updates: dict[Ref, dict] = {}

    def add_task(self, task_id: int, deadline: dt.date | None, lead: int) -> None:
        self.states[task_id] = State(deadline, lead)

    # -- one event -------------------------------------------------------------------------

    def run(self, event: P.Event) -> bool:
        s = self.states[event.task_id]
        at = event.at.astimezone(UTC)
        rule = _RULES.get(event.action)
        if rule is None or s.status not in rule:
            self.refused[(event.action, "state")] += 1
            return False
        handler = getattr(self, "_" + event.action)
        before, after = handler(s, event, at)
        s.version += 1
        s.last_activity = at
        self.touched.add(event.task_id)
        self.rows["audit"].append({
            "at": at, "actor_id": event.actor_id, "agency_id": self.agency_of.get(event.actor_id), "entity": "task",
            "entity_id": event.task_id, "action": "comment" if event.action == P.COMMENT else _AUDIT[event.action],
            "before": before, "after": after,
        })
        self.done[event.action] += 1
        return True

    def _status(self, s: State, task_id: int, new: str, at) -> None:
        s.status = new
        self.rows["tsh"].append({"task_id": task_id, "occurrence_id": None, "status": new,
                                 "completed_on": s.completed_on, "valid_from": at})
        self.synced.add(task_id)

    def _acknowledge(self, s, e, at):
        self._status(s, e.task_id, ACKNOWLEDGED, at)
        return {"status": ASSIGNED}, {"status": ACKNOWLEDGED}

    def _progress(self, s, e, at):
        percent, text_ = e.args
        report = self._report(e, at, percent, text_, contribution=False)
        before: dict = {"percent_done": s.percent}
        after: dict = {"percent": percent, "text": text_, "contribution": False, "attachments": []}
        changed = s.status != IN_PROGRESS or s.percent != percent
        if s.status != IN_PROGRESS:
            before["status"] = s.status
            self._status(s, e.task_id, IN_PROGRESS, at)
            after["status"] = IN_PROGRESS
        s.percent = percent
        after["percent_done"] = percent
        after["report_id"] = report
        if changed:
            s.version += 1  # the lifecycle flushes the task once before writing the audit row
        return before, after

    def _contribute(self, s, e, at):
        percent, text_ = e.args
        report = self._report(e, at, percent, text_, contribution=True)
        return ({"percent_done": s.percent},
                {"percent": percent, "text": text_, "contribution": True, "attachments": [], "report_id": report})

    def _report(self, e, at, percent, text_, contribution: bool) -> Ref:
        ref = Ref("progress_reports")
        self.rows["reports"].append({
            "id": ref, "task_id": e.task_id, "agency_id": self.agency_of[e.actor_id], "author_id": e.actor_id,
            "percent": percent, "text": text_, "reported_at": at, "is_contribution": contribution,
            "document_number": None, "document_date": None,
        })
        return ref

    def _complete(self, s, e, at):
        self._report(e, at, 100, e.args[0], contribution=False)
        before = {"status": s.status, "completed_on": _iso(s.completed_on)}
        reported = at.astimezone(LOCAL_TZ).date()
        s.completed_on = reported
        s.percent = 100
        self._status(s, e.task_id, COMPLETION_REPORTED, at)
        return before, {"status": COMPLETION_REPORTED, "completed_on": reported.isoformat(), "text": e.args[0]}

    def _accept(self, s, e, at):
        self._status(s, e.task_id, COMPLETED, at)
        return ({"status": COMPLETION_REPORTED},
                {"status": COMPLETED, "completed_on": _iso(s.completed_on), "note": e.args[0]})

    def _return(self, s, e, at):
        before = {"status": s.status, "completed_on": _iso(s.completed_on)}
        s.completed_on = None
        self._status(s, e.task_id, RETURNED, at)
        return before, {"status": RETURNED, "completed_on": None, "reason": e.args[0]}

    def _extension(self, s, e, at):
        proposed, reason = e.args
        ref = Ref("extensions")
        self.rows["ext"].append({
            "id": ref, "task_id": e.task_id, "agency_id": self.agency_of[e.actor_id], "requested_by_id": e.actor_id,
            "requested_at": at, "current_deadline": s.deadline, "proposed_deadline": proposed, "reason": reason,
            "status": "pending", "decided_by_id": None, "decided_at": None, "decision_note": None,
        })
        s.extension = (ref, proposed)
        return {"deadline_in_force": _iso(s.deadline)}, {"extension_id": ref, "proposed_deadline": proposed.isoformat(),
                                                          "reason": reason}

    def _decide_extension(self, s, e, at, status):
        ref, proposed = s.extension
        s.extension = None
        values = {"status": status, "decided_by_id": e.actor_id, "decided_at": at, "decision_note": e.args[0] or None}
        pending = next((row for row in self.rows["ext"] if row["id"] is ref), None)
        if pending is not None:
            pending.update(values)
        else:
            self.ext_updates[ref] = values
        return ref, proposed

    def _approve(self, s, e, at):
        ref, proposed = self._decide_extension(s, e, at, "approved")
        before = {"deadline_in_force": _iso(s.deadline)}
        s.deadline = proposed
        self.rows["dc"].append({"task_id": e.task_id, "deadline_in_force": proposed, "valid_from": at,
                                "reason": "extension", "extension_id": ref})
        self.synced.add(e.task_id)
        return before, {"deadline_in_force": proposed.isoformat(), "extension_id": ref, "note": e.args[0]}

    def _refuse(self, s, e, at):
        ref, _proposed = self._decide_extension(s, e, at, "refused")
        return None, {"extension_id": ref, "note": e.args[0]}

    def _escalate(self, s, e, at):
        matter, proposal = e.args
        ref = Ref("escalations")
        self.rows["esc"].append({
            "id": ref, "task_id": e.task_id, "agency_id": self.agency_of[e.actor_id], "raised_by_id": e.actor_id,
            "raised_at": at, "matter": matter, "proposal": proposal, "status": "open", "decision": None,
            "decided_by_id": None, "decided_at": None, "new_task_id": None,
        })
        s.escalation = ref
        return None, {"escalation_id": ref, "matter": matter, "proposal": proposal}

    def _decide(self, s, e, at):
        ref, s.escalation = s.escalation, None
        values = {"status": "decided", "decision": e.args[0], "decided_by_id": e.actor_id, "decided_at": at}
        pending = next((row for row in self.rows["esc"] if row["id"] is ref), None)
        if pending is not None:
            pending.update(values)
        else:
            self.esc_updates[ref] = values
        return None, {"escalation_id": ref, "decision": e.args[0]}

    def _comment(self, s, e, at):
        ref = Ref("task_comments")
        self.rows["comments"].append({"id": ref, "task_id": e.task_id, "author_id": e.actor_id,
                                      "agency_id": self.agency_of[e.actor_id], "text": e.args[0], "created_at": at})
        return None, {"comment_id": ref, "text": e.args[0]}

    def _cancel(self, s, e, at):
        before = {"status": s.status}
        self._status(s, e.task_id, CANCELLED, at)
        s.version += 1  # the lifecycle's query of open occurrences flushes the status change first
        return before, {"status": CANCELLED, "reason": e.args[0]}

    # -- the day's rows ----------------------------------------------------------------------

    def flush_day(self, dbsession: Session) -> int:
        """Write the rows of the events run since the last call; return how many rows."""
        if not self.touched:
            return 0
        self._allocate(dbsession)
        resolve = _resolver()
        written = 0
        for table, key in ((ProgressReport.__table__, "reports"), (Extension.__table__, "ext"),
                           (Escalation.__table__, "esc"), (Comment.__table__, "comments"),
                           (TaskStatusHistory.__table__, "tsh"), (DeadlineChange.__table__, "dc")):
            rows = [{k: resolve(v) for k, v in row.items()} for row in self.rows[key]]
            insert_rows(dbsession, table, rows)
            written += len(rows)
        audit = [{**row, "before": _json(row["before"], resolve), "after": _json(row["after"], resolve)}
                 for row in self.rows["audit"]]
        insert_rows(dbsession, AuditEvent.__table__, audit)
        written += len(audit)
        for table, updates in ((Extension.__table__, self.ext_updates), (Escalation.__table__, self.esc_updates)):
            if updates:
                _update_many(dbsession, table, [{"id": ref.id, **values} for ref, values in updates.items()])
        _update_many(dbsession, Task.__table__, [
            {"id": task_id, "status": s.status, "completed_on": s.completed_on, "percent_done": s.percent,
             "deadline_in_force": s.deadline, "last_activity_at": s.last_activity, "version": s.version}
            for task_id in sorted(self.touched) for s in (self.states[task_id],)
        ])
        if self.synced:
            _update_many(dbsession, task_coordinators, [
                {"task_id": task_id, "status": self.states[task_id].status,
                 "deadline_in_force": self.states[task_id].deadline} for task_id in sorted(self.synced)
            ], key="task_id")
        written += len(self.touched)
        self._reset()
        return written

    def _allocate(self, dbsession: Session) -> None:
        wanted: dict[str, list[Ref]] = {}
        for key in ("reports", "ext", "esc", "comments"):
            for row in self.rows[key]:
                wanted.setdefault(row["id"].table, []).append(row["id"])
        for table, refs in wanted.items():
            for ref, ident in zip(refs, _new_ids(dbsession, table, len(refs))):
                ref.id = ident


_RULES = {
    P.ACK: (ASSIGNED,), P.PROGRESS: OPEN_STATUSES, P.CONTRIBUTE: ACTIVE, P.COMPLETE: OPEN_STATUSES,
    P.ACCEPT: (COMPLETION_REPORTED,), P.RETURN: (COMPLETION_REPORTED,), P.EXTENSION: OPEN_STATUSES,
    P.APPROVE: ACTIVE, P.REFUSE: ACTIVE, P.ESCALATE: OPEN_STATUSES, P.DECIDE: tuple(_s for _s in (
        ASSIGNED, ACKNOWLEDGED, IN_PROGRESS, COMPLETION_REPORTED, COMPLETED, RETURNED, CANCELLED)),
    P.COMMENT: (ASSIGNED, ACKNOWLEDGED, IN_PROGRESS, COMPLETION_REPORTED, COMPLETED, RETURNED, CANCELLED),
    P.CANCEL: ACTIVE,
}
_AUDIT = {
    P.ACK: "acknowledge", P.PROGRESS: "report_progress", P.CONTRIBUTE: "contribute", P.COMPLETE: "report_completion",
    P.ACCEPT: "accept_completion", P.RETURN: "return_completion", P.EXTENSION: "request_extension",
    P.APPROVE: "approve_extension", P.REFUSE: "refuse_extension", P.ESCALATE: "escalate", P.DECIDE: "decide_escalation",
    P.CANCEL: "cancel",
}


def _resolver():
    def resolve(value):
        return value.id if isinstance(value, Ref) else value
    return resolve


def _json(values, resolve):
    if values is None:
        return None
    return {k: resolve(v) for k, v in values.items()}


def _new_ids(dbsession: Session, table: str, count: int) -> list[int]:
    if dbsession.get_bind().dialect.name == "postgresql":
        return list(dbsession.scalars(text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"),
                                      {"t": table, "n": count}))
    start = dbsession.scalar(text(f"SELECT COALESCE(MAX(id), 0) FROM {table}")) + 1
    return list(range(start, start + count))


def _update_many(dbsession: Session, table, rows: list[dict], key: str = "id") -> None:
    """UPDATE ``table`` SET the other columns WHERE ``key`` = row[key], for every row (one statement
    from arrays on PostgreSQL; an executemany on SQLite)."""
    if not rows:
        return
    names = [name for name in rows[0] if name != key]
    if dbsession.get_bind().dialect.name == "postgresql":
        columns = [key, *names]
        arrays, casts = {}, []
        for index, name in enumerate(columns):
            sql_type = table.c[name].type.compile(dialect=dbsession.get_bind().dialect)
            arrays[f"p{index}"] = [row[name] for row in rows]
            casts.append(f"CAST(:p{index} AS {sql_type}[])")
        dbsession.execute(text(
            f"UPDATE {table.name} AS t SET {', '.join(f'{n} = u.{n}' for n in names)} "
            f"FROM unnest({', '.join(casts)}) AS u({', '.join(columns)}) WHERE t.{key} = u.{key}"), arrays)
        return
    statement = (update(table).where(table.c[key] == bindparam("b_" + key))
                 .values({name: bindparam("b_" + name) for name in names}))
    dbsession.connection().execute(statement, [{f"b_{k}": v for k, v in row.items()} for row in rows])

"""The other provinces of the national dataset: copies of the home province's rows, re-keyed.

Building 34 provinces through the services would take most of a day on the 2-core machine (the home
province alone takes about half an hour: see RESULTS.md). So the national dataset is the home
province, built through the services as for ``--scale province``, plus, for each of the 33 other
provinces, a copy of a share (``clone_fraction``) of the home province's directives with everything
the services and the lifecycle wrote for them: written tasks, recipients, tasks, coordinators,
occurrences, status and deadline history, progress reports, extensions, escalations, comments, audit
events (their before/after values re-keyed too), the outbox mails and the register counters. Every
id is moved to the province's own range; agencies, groups and users are the province's own
(``bench.org`` made them with the same local codes); registers take the province's issuer code.

Each province takes a different share (a hash of the directive id and the province), so the
provinces are not identical. Directive numbers keep the home register's numbers (with gaps).
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from coordination.accounts.models import User
from coordination.directives.bulk import insert_rows
from coordination.directives.models import (
    Directive, DirectiveTask, DirectiveTaskCoordinator, NumberCounter, Recipient, Target,
)
from coordination.organizations.models import AgencyGroup
from coordination.reminders.models import OutboxMessage
from coordination.tasks.models import (
    AuditEvent, Comment, DeadlineChange, Escalation, Extension, ProgressReport, Task, TaskOccurrence,
    TaskStatusHistory, task_coordinators,
)

from . import org

CHUNK = 5000
ID_TABLES = {
    "directives": Directive, "directive_recipients": Recipient, "directive_tasks": DirectiveTask,
    "directive_task_coordinators": DirectiveTaskCoordinator, "targets": Target, "tasks": Task,
    "task_occurrences": TaskOccurrence, "task_status_history": TaskStatusHistory, "extensions": Extension,
    "deadline_changes": DeadlineChange, "progress_reports": ProgressReport, "escalations": Escalation,
    "task_comments": Comment, "audit_events": AuditEvent, "outbox_messages": OutboxMessage,
}


def say(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def chosen(directive_id: int, province: int, fraction: float) -> bool:
    return ((directive_id * 2654435761 + province * 40503) % 2**32) / 2**32 < fraction


class Province:
    """How one copy maps the home province's keys."""

    def __init__(self, index: int, prefix: str, offsets: dict[str, int], agencies: dict, groups: dict, users: dict):
        self.index, self.prefix = index, prefix
        self.offsets = {table: top * index for table, top in offsets.items()}
        self.agencies, self.groups, self.users = agencies, groups, users
        self._ids: dict[str, Callable] = {}
        self.json_fixes = _json_fixes(self)

    def id(self, table: str) -> Callable:
        found = self._ids.get(table)
        if found is None:
            offset = self.offsets[table]
            found = self._ids[table] = (lambda value: None if value is None else value + offset)
        return found

    def agency(self, value):
        return None if value is None else self.agencies.get(value, value)

    def user(self, value):
        return None if value is None else self.users.get(value, value)

    def group(self, value):
        return None if value is None else self.groups.get(value, value)

    def register(self, value: str) -> str:
        return f"{self.prefix}-{value}"[:40]


def run(engine, scale, provinces: list[org.Province]) -> dict[str, int]:
    """Copy the home province into every other province of ``provinces``; return rows written per table."""
    started = time.perf_counter()
    with Session(engine) as s:
        offsets = {table: (s.scalar(select(model.id).order_by(model.id.desc()).limit(1)) or 0)
                   for table, model in ID_TABLES.items()}
        home = provinces[0]
        maps = [_province_maps(s, home, p, offsets) for p in provinces[1:]]
        keys = _parents(s)
        written = {}
        for model, parent_of, fixes in _specs(keys):
            table = model if not isinstance(model, type) else model.__table__
            columns = list(table.c.keys())
            position = {name: i for i, name in enumerate(columns)}
            fixers = [[(position[name], factory(copy)) for name, factory in fixes.items()] for copy in maps]
            count = 0
            result = s.execute(select(table).execution_options(yield_per=CHUNK))
            for batch in result.partitions():
                out = []
                for copy, fix in zip(maps, fixers):
                    for row in batch:
                        directive = parent_of(row)
                        if directive is None or not chosen(directive, copy.index, scale.clone_fraction):
                            continue
                        values = list(row)
                        for i, f in fix:
                            if values[i] is not None:
                                values[i] = f(values[i], row) if getattr(f, "with_row", False) else f(values[i])
                        out.append(values)
                _write(s, table, columns, out)
                count += len(out)
            written[table.name] = count
            say(f"clone: {table.name} {count:,} rows ({time.perf_counter() - started:.0f} s)")
        # number counters: each province's registers continue from the home register's count
        counters = s.execute(select(NumberCounter.register, NumberCounter.year, NumberCounter.last_number)).all()
        insert_rows(s, NumberCounter.__table__, [
            {"register": copy.register(register), "year": year, "last_number": last}
            for copy in maps for register, year, last in counters if register.startswith(f"{home.issuer}/")])
        # the copies come with the mails their source's sweeps queued, as if swept with it: the
        # triggers' queue of changed tasks keeps the home province's entries only
        s.execute(text("DELETE FROM reminder_changes WHERE task_id > :top"), {"top": offsets["tasks"]})
        if engine.dialect.name == "postgresql":
            for table in ID_TABLES:
                s.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"))
        s.commit()
    return written


def _write(s: Session, table, columns: list[str], rows: list[list]) -> None:
    """COPY on PostgreSQL (a million rows a minute from Python); the application's bulk insert elsewhere."""
    if not rows:
        return
    if s.get_bind().dialect.name != "postgresql":
        for start in range(0, len(rows), CHUNK):
            insert_rows(s, table, [dict(zip(columns, row)) for row in rows[start:start + CHUNK]])
        return
    json_columns = [i for i, name in enumerate(columns) if name in ("before", "after", "aliases")]
    cursor = s.connection().connection.dbapi_connection.cursor()
    with cursor.copy(f"COPY {table.name} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            for i in json_columns:
                if row[i] is not None:
                    row[i] = json.dumps(row[i], ensure_ascii=False)
            copy.write_row(row)


def _province_maps(s: Session, home: org.Province, copy: org.Province, offsets: dict) -> Province:
    agencies = {home.agency_ids[local]: copy.agency_ids[local] for local in home.agency_ids}
    groups = {}
    for local in (org.SO_NGANH, org.HUYEN, org.XA, "BAO-CHI"):
        source = s.scalar(select(AgencyGroup.id).where(AgencyGroup.code == home.group(local)))
        target = s.scalar(select(AgencyGroup.id).where(AgencyGroup.code == copy.group(local)))
        groups[source] = target
    # every home user's counterpart is "<login>.<province>" (bench.org makes them); the admin stays
    logins = dict(s.execute(select(User.login, User.id)).all())
    users = {}
    for login, user_id in list(logins.items()):
        target = logins.get(f"{login}.{copy.slug}")
        if target is not None:
            users[user_id] = target
    index = org.PROVINCES.index((copy.prefix, copy.name))
    return Province(index, copy.prefix, offsets, agencies, groups, users)


def _parents(s: Session) -> dict[str, dict[int, int]]:
    """Which directive each generated row belongs to, by table."""
    task_directive = dict(s.execute(select(Task.id, Task.directive_id)).all())
    written_directive = dict(s.execute(select(DirectiveTask.id, DirectiveTask.directive_id)).all())
    occurrence_task = dict(s.execute(select(TaskOccurrence.id, TaskOccurrence.task_id)).all())
    return {"task": task_directive, "written": written_directive, "occurrence": occurrence_task}


def _specs(keys):
    """(table, the directive a row belongs to, {column: copy → fixer}) in the order of their foreign keys."""
    task_dir, written_dir, occ_task = keys["task"], keys["written"], keys["occurrence"]

    def ids(table):
        return lambda c: c.id(table)

    agency, user, group = (lambda c: c.agency), (lambda c: c.user), (lambda c: c.group)

    def by_task(row):
        return task_dir.get(row.task_id)

    def audit_parent(row):
        if row.entity == "task":
            return task_dir.get(row.entity_id)
        if row.entity == "directive":
            return row.entity_id
        return None

    def outbox_parent(row):
        if row.task_id is not None:
            return task_dir.get(row.task_id)
        if row.occurrence_id is not None:
            return task_dir.get(occ_task.get(row.occurrence_id))
        return None

    def entity(c):
        task, directive = c.id("tasks"), c.id("directives")

        def fix(value, row):
            return task(value) if row.entity == "task" else directive(value)
        fix.with_row = True
        return fix

    def json_values(c):
        fixes = c.json_fixes
        return lambda d: {k: (fixes[k](v) if k in fixes and v is not None else v) for k, v in d.items()}

    return [
        (Directive, lambda row: row.id, {"id": ids("directives"), "issuer_id": agency, "created_by_id": user,
                                          "signed_by_id": user, "withdrawn_by_id": user, "amends_id": ids("directives"),
                                          "register": lambda c: c.register}),
        (Recipient, lambda row: row.directive_id, {"id": ids("directive_recipients"), "directive_id": ids("directives"),
                                                    "agency_id": agency, "group_id": group}),
        (DirectiveTask, lambda row: row.directive_id, {"id": ids("directive_tasks"), "directive_id": ids("directives"),
                                                        "lead_agency_id": agency, "lead_group_id": group,
                                                        "report_to_id": agency}),
        (DirectiveTaskCoordinator, lambda row: written_dir.get(row.directive_task_id),
         {"id": ids("directive_task_coordinators"), "directive_task_id": ids("directive_tasks"), "agency_id": agency,
          "group_id": group}),
        (Target, lambda row: written_dir.get(row.directive_task_id),
         {"id": ids("targets"), "directive_task_id": ids("directive_tasks")}),
        (Task, lambda row: row.directive_id, {"id": ids("tasks"), "directive_id": ids("directives"),
                                               "directive_task_id": ids("directive_tasks"), "lead_agency_id": agency,
                                               "report_to_id": agency, "parent_id": ids("tasks")}),
        (task_coordinators, by_task, {"task_id": ids("tasks"), "agency_id": agency}),
        (TaskOccurrence, by_task, {"id": ids("task_occurrences"), "task_id": ids("tasks")}),
        (TaskStatusHistory, by_task, {"id": ids("task_status_history"), "task_id": ids("tasks"),
                                      "occurrence_id": ids("task_occurrences")}),
        (Extension, by_task, {"id": ids("extensions"), "task_id": ids("tasks"), "agency_id": agency,
                              "requested_by_id": user, "decided_by_id": user}),
        (DeadlineChange, by_task, {"id": ids("deadline_changes"), "task_id": ids("tasks"), "extension_id": ids("extensions")}),
        (ProgressReport, by_task, {"id": ids("progress_reports"), "task_id": ids("tasks"), "agency_id": agency,
                                   "author_id": user}),
        (Escalation, by_task, {"id": ids("escalations"), "task_id": ids("tasks"), "agency_id": agency,
                               "raised_by_id": user, "decided_by_id": user, "new_task_id": ids("tasks")}),
        (Comment, by_task, {"id": ids("task_comments"), "task_id": ids("tasks"), "author_id": user, "agency_id": agency}),
        # entity_id is a task's or a directive's id: every audit row of the copy is about one or the other
        (AuditEvent, audit_parent, {"id": ids("audit_events"), "actor_id": user, "agency_id": agency,
                                    "entity_id": entity, "before": json_values, "after": json_values}),
        (OutboxMessage, outbox_parent, {"id": ids("outbox_messages"), "task_id": ids("tasks"),
                                        "occurrence_id": ids("task_occurrences"), "recipient_user_id": user,
                                        "recipient_agency_id": agency, "digest_id": ids("outbox_messages"),
                                        "dedup_key": lambda c: (lambda key: _key(key, c))}),
    ]


def _json_fixes(c: Province) -> dict:
    task = c.id("tasks")
    return {
        "report_id": c.id("progress_reports"), "extension_id": c.id("extensions"), "escalation_id": c.id("escalations"),
        "comment_id": c.id("task_comments"), "new_task_id": task, "from_task_id": task, "parent_id": task,
        "subtasks": lambda ids: [task(i) for i in ids], "directive_id": c.id("directives"),
        "withdrawn_directive_id": c.id("directives"), "lead_agency_id": c.agency,
        "coordinating_agency_ids": lambda ids: [c.agency(i) for i in ids],
    }


def _key(key: str, c: Province) -> str:
    """``task:<id>:<kind>:<threshold>:<deadline>:<u|a><id>`` with the copy's ids."""
    parts = key.split(":")
    if len(parts) == 6 and parts[0] in ("task", "occurrence"):
        parts[1] = str(c.id("tasks" if parts[0] == "task" else "task_occurrences")(int(parts[1])))
        who = parts[5]
        if who[:1] == "u" and who[1:].isdigit():
            parts[5] = f"u{c.user(int(who[1:]))}"
        elif who[:1] == "a" and who[1:].isdigit():
            parts[5] = f"a{c.agency(int(who[1:]))}"
        return ":".join(parts)
    return f"{key}:{c.prefix}"

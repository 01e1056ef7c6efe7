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
from coordination.organizations.models import Agency, AgencyGroup
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
        for table, parent_of, remap in _specs(keys):
            count = 0
            model_table = table if not isinstance(table, type) else table.__table__
            result = s.execute(select(model_table).execution_options(yield_per=CHUNK))
            for batch in result.partitions():
                rows = [dict(r._mapping) for r in batch]
                out = []
                for copy in maps:
                    for row in rows:
                        directive = parent_of(row)
                        if directive is not None and chosen(directive, copy.index, scale.clone_fraction):
                            out.append(remap(row, copy))
                for start in range(0, len(out), CHUNK):
                    insert_rows(s, model_table, out[start:start + CHUNK])
                count += len(out)
            written[model_table.name] = count
            say(f"clone: {model_table.name} {count:,} rows ({time.perf_counter() - started:.0f} s)")
        # number counters: each province's registers continue from the home register's count
        counters = s.execute(select(NumberCounter.register, NumberCounter.year, NumberCounter.last_number)).all()
        insert_rows(s, NumberCounter.__table__, [
            {"register": copy.register(register), "year": year, "last_number": last}
            for copy in maps for register, year, last in counters if register.startswith(f"{home.issuer}/")])
        if engine.dialect.name == "postgresql":
            for table in ID_TABLES:
                s.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                               f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"))
        s.commit()
    return written


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
    task_dir, written_dir, occ_task = keys["task"], keys["written"], keys["occurrence"]

    def by_task(row):
        return task_dir.get(row["task_id"])

    def same(row, fixes):
        return {k: (fixes[k](v) if k in fixes else v) for k, v in row.items()}

    def directive(row, c):
        return same(row, {"id": c.id("directives"), "issuer_id": c.agency, "created_by_id": c.user,
                          "signed_by_id": c.user, "withdrawn_by_id": c.user, "amends_id": c.id("directives"),
                          "register": c.register})

    def recipient(row, c):
        return same(row, {"id": c.id("directive_recipients"), "directive_id": c.id("directives"),
                          "agency_id": c.agency, "group_id": c.group})

    def written(row, c):
        return same(row, {"id": c.id("directive_tasks"), "directive_id": c.id("directives"), "lead_agency_id": c.agency,
                          "lead_group_id": c.group, "report_to_id": c.agency})

    def written_coordinator(row, c):
        return same(row, {"id": c.id("directive_task_coordinators"), "directive_task_id": c.id("directive_tasks"),
                          "agency_id": c.agency, "group_id": c.group})

    def target(row, c):
        return same(row, {"id": c.id("targets"), "directive_task_id": c.id("directive_tasks")})

    def task(row, c):
        return same(row, {"id": c.id("tasks"), "directive_id": c.id("directives"), "directive_task_id": c.id("directive_tasks"),
                          "lead_agency_id": c.agency, "report_to_id": c.agency, "parent_id": c.id("tasks")})

    def coordinator(row, c):
        return same(row, {"task_id": c.id("tasks"), "agency_id": c.agency})

    def occurrence(row, c):
        return same(row, {"id": c.id("task_occurrences"), "task_id": c.id("tasks")})

    def history(row, c):
        return same(row, {"id": c.id("task_status_history"), "task_id": c.id("tasks"), "occurrence_id": c.id("task_occurrences")})

    def extension(row, c):
        return same(row, {"id": c.id("extensions"), "task_id": c.id("tasks"), "agency_id": c.agency,
                          "requested_by_id": c.user, "decided_by_id": c.user})

    def deadline(row, c):
        return same(row, {"id": c.id("deadline_changes"), "task_id": c.id("tasks"), "extension_id": c.id("extensions")})

    def report(row, c):
        return same(row, {"id": c.id("progress_reports"), "task_id": c.id("tasks"), "agency_id": c.agency, "author_id": c.user})

    def escalation(row, c):
        return same(row, {"id": c.id("escalations"), "task_id": c.id("tasks"), "agency_id": c.agency,
                          "raised_by_id": c.user, "decided_by_id": c.user, "new_task_id": c.id("tasks")})

    def comment(row, c):
        return same(row, {"id": c.id("task_comments"), "task_id": c.id("tasks"), "author_id": c.user, "agency_id": c.agency})

    def audit_parent(row):
        if row["entity"] == "task":
            return task_dir.get(row["entity_id"])
        if row["entity"] == "directive":
            return row["entity_id"]
        return None

    def audit(row, c):
        entity = c.id("tasks") if row["entity"] == "task" else c.id("directives")
        values = c.json_fixes
        fix = (lambda d: None if d is None else {k: (values[k](v) if k in values else v) for k, v in d.items()})
        return same(row, {"id": c.id("audit_events"), "actor_id": c.user, "agency_id": c.agency, "entity_id": entity,
                          "before": fix, "after": fix})

    def outbox_parent(row):
        if row["task_id"] is not None:
            return task_dir.get(row["task_id"])
        if row["occurrence_id"] is not None:
            return task_dir.get(occ_task.get(row["occurrence_id"]))
        return None

    def outbox(row, c):
        return same(row, {"id": c.id("outbox_messages"), "task_id": c.id("tasks"), "occurrence_id": c.id("task_occurrences"),
                          "recipient_user_id": c.user, "recipient_agency_id": c.agency, "digest_id": c.id("outbox_messages"),
                          "dedup_key": lambda key: _key(key, c)})

    return [
        (Directive, lambda row: row["id"], directive),
        (Recipient, lambda row: row["directive_id"], recipient),
        (DirectiveTask, lambda row: row["directive_id"], written),
        (DirectiveTaskCoordinator, lambda row: written_dir.get(row["directive_task_id"]), written_coordinator),
        (Target, lambda row: written_dir.get(row["directive_task_id"]), target),
        (Task, lambda row: row["directive_id"], task),
        (task_coordinators, by_task, coordinator),
        (TaskOccurrence, by_task, occurrence),
        (TaskStatusHistory, by_task, history),
        (Extension, by_task, extension),
        (DeadlineChange, by_task, deadline),
        (ProgressReport, by_task, report),
        (Escalation, by_task, escalation),
        (Comment, by_task, comment),
        (AuditEvent, audit_parent, audit),
        (OutboxMessage, outbox_parent, outbox),
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

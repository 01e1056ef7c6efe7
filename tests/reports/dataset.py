"""A small province built through the task lifecycle with a frozen clock, whose report as of
30/6/2025 is computed by hand in ``EXPECTED`` (see the comments on each task).

Directive "X" of UBND tỉnh, issued 1/6/2025; the cut-off date is 30/6/2025 (AS_OF).

SLDTBXH (5 tasks, 1 cancelled not counted):
  t1  deadline 20/6, completion reported 20/6 23:59, accepted 22/6        → completed on time (boundary)
  t2  deadline 20/6, completion reported 21/6 09:00, accepted 22/6        → completed late (one day)
  t3  deadline 30/6 = the cut-off, open                                   → open within deadline (boundary)
      progress 15/6 (70 %, target 70), 28/6 (82 %, target 82; lower-is-better target 3.5),
      and 2/7, after the cut-off (target 90)                              → targets read 82 and 3.5
      an escalation raised 10/6 and decided 12/6                          → not open at the cut-off
  t4  deadline 29/6, open                                                 → overdue by 1 day
      progress 25/6 "Đã rà soát 50%", progress 1/7 (after the cut-off)    → latest progress: the 25/6 one
      escalation raised 26/6, undecided                                   → one escalation open
  t5  deadline 25/6, extension to 31/7 requested 20/6, approved 24/6      → open within deadline, 1 extension
  t6  cancelled 15/6                                                      → not counted anywhere
  sub delegated from t3 to TTDVVL on 5/6, deadline 25/6, open             → only in SLDTBXH's agency scope
STC:
  t8  deadline 10/6, completion reported 28/6, not yet reviewed           → overdue, 18 days (clock stopped 28/6)
  t9  deadline 30/6, reported 30/6 16:00, accepted 30/6 17:00             → completed on time
  t10 no deadline (ongoing)                                               → open within deadline
SKHDT:
  k1, k2 deadline 15/6 reported 14/6, 15/6, accepted 16/6                 → completed on time ×2
  k3 deadline 20/6 open, k4 deadline 25/6 open                            → overdue 10 and 5 days
H-VANLAM:
  v1  deadline 15/6, open; coordinated by STC and SLDTBXH                 → overdue, 15 days
  v2  deadline 28/6, reported 29/6, accepted 30/6                         → completed late
Not yet existing at the cut-off: t11 of SLDTBXH issued 2/7.

Ranking by on-time rate (on time / fallen due), ties by overdue count:
  STC 1/2 (1 overdue) → 1;  SKHDT 2/4 = 1/2 (2 overdue) → 2;  SLDTBXH 1/3 → 3;  H-VANLAM 0/2 → 4.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from sqlalchemy import select

from coordination import clock
from coordination.accounts import services as accounts
from coordination.accounts.models import User
from coordination.tasks import delegation, escalations, extensions, lifecycle
from coordination.tasks.models import Escalation
from tests.tasks import factories

AS_OF = dt.date(2025, 6, 30)
ISSUED = dt.datetime(2025, 6, 1, 10, 0)

# agency code → (on_time, late, within, overdue, overdue_days_total, extensions, escalations open)
EXPECTED = {
    "SLDTBXH": (1, 1, 2, 1, 1, 1, 1),
    "STC": (1, 0, 1, 1, 18, 0, 0),
    "SKHDT": (2, 0, 0, 2, 15, 0, 0),
    "H-VANLAM": (0, 1, 0, 1, 15, 0, 0),
}
EXPECTED_RANKING = [("STC", 1), ("SKHDT", 2), ("SLDTBXH", 3), ("H-VANLAM", 4)]
# (lead code, days overdue) most overdue first
EXPECTED_OVERDUE = [("STC", 18), ("H-VANLAM", 15), ("SKHDT", 10), ("SKHDT", 5), ("SLDTBXH", 1)]


@dataclass
class Dataset:
    directive: object
    tasks: dict = field(default_factory=dict)
    people: dict = field(default_factory=dict)


def at(day: int, month: int = 6, hour: int = 9, minute: int = 0) -> None:
    clock.set_now(dt.datetime(2025, month, day, hour, minute))


def _people(dbsession) -> dict:
    out = {login: factories.user(dbsession, login) for login in (
        "lanhdao", "chuyenvien", "giamdoc.sldtbxh", "canbo.sldtbxh", "canbo.stc", "canbo.vanlam")}
    existing = dbsession.scalar(select(User).where(User.login == "canbo.skhdt"))
    out["canbo.skhdt"] = existing or accounts.create_user(
        dbsession, login="canbo.skhdt", full_name="Cán bộ Sở KH&ĐT", agency=factories.agency(dbsession, "SKHDT"),
        roles=["agency_officer"], password="canbo.skhdt-password")
    return out


def complete(dbsession, task, officer, clerk, reported: dt.datetime, accepted: dt.datetime | None) -> None:
    clock.set_now(reported)
    lifecycle.report_completion(dbsession, task, officer, expected_version=task.version, text="Đã hoàn thành")
    if accepted is not None:
        clock.set_now(accepted)
        lifecycle.accept_completion(dbsession, task, clerk, expected_version=task.version)


def progress(dbsession, task, officer, percent: int, text: str, targets: dict | None = None):
    return lifecycle.report_progress(dbsession, task, officer, expected_version=task.version, percent=percent,
                                     text=text, target_values=targets)


def build(dbsession) -> Dataset:
    """The dataset above; leaves the clock at 30/6/2025 18:00."""
    clock.set_now(ISSUED)
    p = _people(dbsession)
    directive = factories.directive(dbsession, issued_on=dt.date(2025, 6, 1), subject="Giải quyết việc làm")
    d = Dataset(directive=directive, people=p)
    T = d.tasks

    def task(name, lead, deadline, coordinating=(), **kw):
        T[name] = factories.task(dbsession, directive_obj=directive, lead=lead, deadline=deadline,
                                 coordinating=coordinating, content=f"Nhiệm vụ {name} của {lead}", **kw)
        return T[name]

    june = lambda day: dt.date(2025, 6, day)  # noqa: E731
    task("t1", "SLDTBXH", june(20), ("STC",))
    task("t2", "SLDTBXH", june(20))
    task("t3", "SLDTBXH", june(30), targets=(("Tỷ lệ người thất nghiệp được giới thiệu việc làm", 80.0),
                                             ("Giảm tỷ lệ thất nghiệp thành thị xuống dưới", 3.0)))
    task("t4", "SLDTBXH", june(29), ("STC", "SKHDT"))
    task("t5", "SLDTBXH", june(25))
    task("t6", "SLDTBXH", june(30))
    task("t8", "STC", june(10))
    task("t9", "STC", june(30))
    task("t10", "STC", None)
    for name, deadline in (("k1", 15), ("k2", 15), ("k3", 20), ("k4", 25)):
        task(name, "SKHDT", june(deadline))
    task("v1", "H-VANLAM", june(15), ("STC", "SLDTBXH"))
    task("v2", "H-VANLAM", june(28))
    sl, stc, kh, vl = p["canbo.sldtbxh"], p["canbo.stc"], p["canbo.skhdt"], p["canbo.vanlam"]
    clerk, leader = p["chuyenvien"], p["lanhdao"]

    at(5)
    T["sub"] = delegation.delegate(dbsession, T["t3"], sl, expected_version=T["t3"].version, subtasks=[
        {"lead_agency": factories.agency(dbsession, "TTDVVL"), "content": "Rà soát tại trung tâm", "deadline": june(25)}])[0]
    at(10)
    esc = escalations.escalate(dbsession, T["t3"], sl, expected_version=T["t3"].version, matter="Thiếu kinh phí",
                               proposal="Đề nghị bổ sung")
    at(12)
    escalations.decide_escalation(dbsession, T["t3"], leader, expected_version=T["t3"].version, escalation_id=esc.id,
                                  decision="Giao Sở Tài chính bố trí")
    at(15)
    lifecycle.cancel(dbsession, T["t6"], clerk, expected_version=T["t6"].version, reason="Trùng nội dung")
    targets = {t.indicator[:4]: t.id for t in T["t3"].directive_task.targets}
    progress(dbsession, T["t3"], sl, 70, "Đã giới thiệu việc làm cho 70%", {targets["Tỷ l"]: 70})
    complete(dbsession, T["k1"], kh, clerk, dt.datetime(2025, 6, 14, 9), dt.datetime(2025, 6, 16, 9))
    complete(dbsession, T["k2"], kh, clerk, dt.datetime(2025, 6, 15, 9), dt.datetime(2025, 6, 16, 10))
    at(20)
    ext = extensions.request_extension(dbsession, T["t5"], sl, expected_version=T["t5"].version,
                                       proposed_deadline=dt.date(2025, 7, 31), reason="Chờ hướng dẫn của Bộ")
    complete(dbsession, T["t1"], sl, clerk, dt.datetime(2025, 6, 20, 23, 59), dt.datetime(2025, 6, 22, 9))
    complete(dbsession, T["t2"], sl, clerk, dt.datetime(2025, 6, 21, 9), dt.datetime(2025, 6, 22, 10))
    at(24)
    extensions.approve_extension(dbsession, T["t5"], leader, expected_version=T["t5"].version, extension_id=ext.id)
    at(25)
    progress(dbsession, T["t4"], sl, 50, "Đã rà soát 50% hồ sơ")
    at(26)
    escalations.escalate(dbsession, T["t4"], sl, expected_version=T["t4"].version, matter="Vướng quy định",
                         proposal="Đề nghị hướng dẫn")
    at(28)
    progress(dbsession, T["t3"], sl, 82, "Đã giới thiệu việc làm cho 82%",
             {targets["Tỷ l"]: 82, targets["Giảm"]: 3.5})
    complete(dbsession, T["t8"], stc, clerk, dt.datetime(2025, 6, 28, 9), None)
    complete(dbsession, T["v2"], vl, clerk, dt.datetime(2025, 6, 29, 9), dt.datetime(2025, 6, 30, 9))
    complete(dbsession, T["t9"], stc, clerk, dt.datetime(2025, 6, 30, 16), dt.datetime(2025, 6, 30, 17))
    at(30, hour=18)
    return d


def change_after_cutoff(dbsession, d: Dataset) -> None:
    """Everything that happens in July: none of it may change the report as of 30/6."""
    T, p = d.tasks, d.people
    sl, clerk, leader = p["canbo.sldtbxh"], p["chuyenvien"], p["lanhdao"]
    at(1, 7, hour=0, minute=1)
    progress(dbsession, T["t4"], sl, 80, "Đã rà soát 80% hồ sơ (sau ngày chốt)")
    at(2, 7)
    targets = {t.indicator[:4]: t.id for t in T["t3"].directive_task.targets}
    progress(dbsession, T["t3"], sl, 90, "Đạt 90%", {targets["Tỷ l"]: 90})
    T["t11"] = factories.task(dbsession, directive_obj=d.directive, lead="SLDTBXH", deadline=dt.date(2025, 7, 5),
                              coordinating=(), content="Nhiệm vụ t11 giao sau ngày chốt")
    at(5, 7)
    complete(dbsession, T["t4"], sl, clerk, dt.datetime(2025, 7, 5, 9), dt.datetime(2025, 7, 5, 10))
    lifecycle.accept_completion(dbsession, T["t8"], clerk, expected_version=T["t8"].version)
    esc = next(e for e in dbsession.scalars(select(Escalation).where(Escalation.task_id == T["t4"].id)))
    escalations.decide_escalation(dbsession, T["t4"], leader, expected_version=T["t4"].version, escalation_id=esc.id,
                                  decision="Đồng ý")
    lifecycle.cancel(dbsession, T["v1"], clerk, expected_version=T["v1"].version, reason="Không còn phù hợp")
    ext = extensions.request_extension(dbsession, T["k3"], p["canbo.skhdt"], expected_version=T["k3"].version,
                                       proposed_deadline=dt.date(2025, 8, 31), reason="Lý do")
    extensions.approve_extension(dbsession, T["k3"], leader, expected_version=T["k3"].version, extension_id=ext.id)
    at(10, 7)

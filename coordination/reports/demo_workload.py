"""A plausible eight months of work in the demo province, for the dashboard's screenshot, the browser
test and trying the reports out: directives issued over the months, tasks done on time or late,
still open or overdue, progress reports, an extension and escalations — all made through the task
lifecycle with the clock moved, so the history tables hold what a real province's would.

    load_demo_workload(dbsession, today=date(2026, 11, 30))

Needs the demo province (``coordination.demo.load_demo``); creates an officer ``canbo.<code>`` for
lead agencies that have none. Deterministic (seeded): the same ``today`` gives the same data.
"""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import select
from sqlalchemy.orm import Session

from .. import clock
from ..accounts import services as accounts
from ..accounts.models import User
from ..directives.models import Directive, DirectiveTask, DirectiveType, Target
from ..organizations.models import Agency
from ..tasks import escalations, extensions, lifecycle
from ..tasks.models import ASSIGNED, DATE, Task

DIRECTIVES = [
    # days before today, number, symbol, type, subject
    (240, 1412, "UBND-KGVX", "cong-van", "Tăng cường hỗ trợ người lao động bị ảnh hưởng, phục hồi thị trường lao động"),
    (180, 93, "KH-UBND", "ke-hoach", "Kế hoạch thực hiện chính sách bảo hiểm thất nghiệp giai đoạn 2025–2030"),
    (120, 28, "CT-UBND", "chi-thi", "Đẩy mạnh cải cách hành chính, dịch vụ công trực tuyến toàn trình"),
    (60, 1875, "UBND-KT", "cong-van", "Đẩy nhanh tiến độ giải ngân vốn đầu tư công năm 2026"),
    (24, 2040, "UBND-KGVX", "cong-van", "Chuẩn bị các điều kiện chăm lo Tết cho người lao động"),
]
TASKS = [
    ("SLDTBXH", "Tổ chức thực hiện chính sách hỗ trợ tiền thuê nhà cho người lao động"),
    ("SLDTBXH", "Rà soát, tổng hợp người lao động thất nghiệp có nhu cầu học nghề"),
    ("STC", "Bố trí kinh phí thực hiện các chính sách hỗ trợ"),
    ("SKHDT", "Tham mưu điều chỉnh kế hoạch đầu tư công trung hạn"),
    ("STTTT", "Tuyên truyền chính sách trên các phương tiện thông tin đại chúng"),
    ("SNV", "Rà soát thủ tục hành chính, đề xuất cắt giảm thời gian giải quyết"),
    ("SYT", "Bảo đảm chăm sóc sức khỏe cho người lao động tại các khu công nghiệp"),
    ("BQLKCN", "Phối hợp doanh nghiệp trong khu công nghiệp thống kê nhu cầu tuyển dụng"),
    ("H-VANLAM", "Lập danh sách người lao động đủ điều kiện hỗ trợ trên địa bàn"),
    ("H-MYHAO", "Kiểm tra việc chi trả hỗ trợ tại các doanh nghiệp trên địa bàn"),
    ("H-VANGIANG", "Tổ chức phiên giao dịch việc làm lưu động"),
    ("H-YENMY", "Đôn đốc doanh nghiệp báo cáo tình hình sử dụng lao động"),
]
PROGRESS = [
    "Đã ban hành văn bản hướng dẫn các đơn vị triển khai.",
    "Đã tổng hợp số liệu từ các đơn vị, đang rà soát, đối chiếu.",
    "Đã hoàn thành khoảng một nửa khối lượng công việc; một số đơn vị còn chậm gửi số liệu.",
    "Đang chờ ý kiến thống nhất của các sở, ngành phối hợp.",
]


def _officer(dbsession: Session, agency: Agency) -> User:
    found = dbsession.scalar(select(User).where(
        User.agency_id == agency.id, User.active.is_(True), User.role_rows.any(role="agency_officer")).limit(1))
    if found is not None:
        return found
    return accounts.create_user(dbsession, login=f"canbo.{agency.code.lower()}", full_name=f"Cán bộ {agency.display_name}",
                                agency=agency, roles=["agency_officer"])


def _user(dbsession: Session, login: str) -> User:
    return dbsession.scalar(select(User).where(User.login == login))


def load_demo_workload(dbsession: Session, today: dt.date | None = None, *, seed: int = 2026) -> list[Task]:
    """Create the directives and tasks above (once: a second call finds them and does nothing)."""
    today = today or clock.today()
    if dbsession.scalar(select(Directive.id).where(Directive.subject == DIRECTIVES[0][4])):
        return []
    rng = random.Random(seed)
    agencies = {a.code: a for a in dbsession.scalars(select(Agency))}
    types = {t.code: t for t in dbsession.scalars(select(DirectiveType))}
    clerk, leader = _user(dbsession, "chuyenvien"), _user(dbsession, "lanhdao")
    officers = {code: _officer(dbsession, agencies[code]) for code in {c for c, _t in TASKS}}
    previous = clock._frozen
    created: list[Task] = []
    try:
        plans = []
        for days, number, symbol, kind, subject in DIRECTIVES:
            issued = today - dt.timedelta(days=days)
            clock.set_now(dt.datetime.combine(issued, dt.time(9, 0)))
            directive = Directive(type=types[kind], issuer=agencies["UBND"], status="issued", register="UBND",
                                  symbol=symbol, year=issued.year, number=number, place="Hưng Yên", issued_on=issued,
                                  subject=subject, signer_name="Nguyễn Duy Hưng",
                                  signer_capacity="KT. CHỦ TỊCH, PHÓ CHỦ TỊCH")
            dbsession.add(directive)
            for position, (code, content) in enumerate(rng.sample(TASKS, 9)):
                item = DirectiveTask(directive=directive, position=position, paragraph=str(position + 1),
                                     content=content, lead_agency_id=agencies[code].id)
                if content.startswith("Rà soát, tổng hợp người lao động thất nghiệp"):
                    item.targets.append(Target(indicator="Tỷ lệ người thất nghiệp được giới thiệu việc làm", unit="%",
                                               value=80.0, target_date=dt.date(today.year, 12, 31)))
                deadline = issued + dt.timedelta(days=rng.choice((20, 28, 30, 45, 60, 90, 120)))
                others = [c for c in ("STC", "SKHDT", "SLDTBXH", "STTTT") if c != code]
                task = Task(directive=directive, directive_task=item, paragraph=item.paragraph, content=content,
                            lead_agency=agencies[code], status=ASSIGNED, deadline_kind=DATE,
                            original_deadline=deadline, deadline_in_force=deadline,
                            coordinating_agencies=[agencies[c] for c in rng.sample(others, rng.choice((0, 1, 2)))])
                dbsession.add(task)
                plans.append((task, code, rng.random()))
            dbsession.flush()
        for task, code, fate in plans:
            created.append(task)
            _play(dbsession, task, officers[code], clerk, leader, fate, today, rng)
    finally:
        clock._frozen = previous
    dbsession.flush()
    return created


def _at(day: dt.date, hour: int = 9) -> None:
    clock.set_now(dt.datetime.combine(day, dt.time(hour, 0)))


def _play(dbsession, task, officer, clerk, leader, fate: float, today: dt.date, rng: random.Random) -> None:
    """Act the task's life up to ``today``: most on time, some late, some open or overdue."""
    issued = task.directive.issued_on
    deadline = task.deadline_in_force
    ack = min(issued + dt.timedelta(days=rng.randint(1, 4)), today)
    _at(ack)
    lifecycle.acknowledge(dbsession, task, officer, expected_version=task.version)
    midway = issued + (deadline - issued) / 2
    if midway < today:
        _at(midway, 10)
        lifecycle.report_progress(dbsession, task, officer, expected_version=task.version, percent=rng.choice((30, 50, 60)),
                                  text=rng.choice(PROGRESS), target_values=_targets(task, rng))
    if fate < 0.55:  # done on time, accepted a few days later
        done = deadline - dt.timedelta(days=rng.randint(0, 10))
    elif fate < 0.72:  # done late
        done = deadline + dt.timedelta(days=rng.randint(1, 20))
    elif fate < 0.8:  # asks for more time a few days before the deadline, and gets it
        ask = max(ack, deadline - dt.timedelta(days=5))
        if ask < today:
            _at(ask, 11)
            extension = extensions.request_extension(
                dbsession, task, officer, expected_version=task.version,
                proposed_deadline=deadline + dt.timedelta(days=30), reason="Chờ hướng dẫn của bộ, ngành trung ương")
            if ask + dt.timedelta(days=2) < today:
                _at(ask + dt.timedelta(days=2), 15)
                extensions.approve_extension(dbsession, task, leader, expected_version=task.version,
                                             extension_id=extension.id)
        return
    else:  # still open (overdue if the deadline has passed); now and then a matter for the leaders
        if fate > 0.93 and midway < today:
            _at(midway + dt.timedelta(days=1), 14)
            escalations.escalate(dbsession, task, officer, expected_version=task.version,
                                 matter="Vướng mắc về cơ chế bố trí kinh phí", proposal="Đề nghị UBND tỉnh cho chủ trương")
        return
    if done >= today:
        return
    _at(done, 16)
    lifecycle.report_completion(dbsession, task, officer, expected_version=task.version,
                                text="Đã hoàn thành nhiệm vụ, có báo cáo kết quả kèm theo.")
    accepted = min(done + dt.timedelta(days=rng.randint(1, 5)), today)
    if accepted < today:
        _at(accepted, 10)
        lifecycle.accept_completion(dbsession, task, clerk, expected_version=task.version)


def _targets(task: Task, rng: random.Random) -> dict | None:
    targets = task.directive_task.targets if task.directive_task else []
    return {t.id: float(rng.randint(60, 90)) for t in targets} or None

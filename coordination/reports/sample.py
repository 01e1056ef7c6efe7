"""A hand-built report of the demo province, for format tests, screenshots and the benchmark.

The figures are invented but plausible; the names and the directive follow the seed documents
(Hưng Yên's Công văn 1324/UBND-KGVX of 25/5/2022).
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterator

from .model import (
    LATE,
    ON_TIME,
    OVERDUE,
    SCOPE_DIRECTIVES,
    TIMELINESS,
    WITHIN,
    AgencyFigures,
    ConsolidatedReport,
    Letterhead,
    OverdueTask,
    ReportScope,
    TargetStatus,
    TaskRow,
)

AS_OF = dt.date(2026, 11, 30)

AGENCY_FIGURES = (
    AgencyFigures("Sở Lao động - Thương binh và Xã hội", on_time=14, late=3, within=6, overdue=2,
                  overdue_days_total=19, extensions_granted=2, escalations_open=1, agency_code="SLDTBXH"),
    AgencyFigures("Sở Tài chính", on_time=9, late=1, within=3, overdue=0, extensions_granted=1,
                  agency_code="STC"),
    AgencyFigures("Sở Kế hoạch và Đầu tư", on_time=7, late=2, within=4, overdue=1,
                  overdue_days_total=12, agency_code="SKHDT"),
    AgencyFigures("Ban Quản lý các khu công nghiệp tỉnh", on_time=5, late=0, within=2, overdue=1,
                  overdue_days_total=4, escalations_open=1, agency_code="BQLKCN"),
    AgencyFigures("Bảo hiểm xã hội tỉnh", on_time=6, late=1, within=1, overdue=0, agency_code="BHXH"),
    AgencyFigures("Ủy ban nhân dân huyện Văn Lâm", on_time=8, late=2, within=3, overdue=3,
                  overdue_days_total=41, extensions_granted=1, escalations_open=2, agency_code="H-VANLAM"),
    AgencyFigures("Ủy ban nhân dân thị xã Mỹ Hào", on_time=7, late=2, within=2, overdue=0,
                  agency_code="H-MYHAO"),
    AgencyFigures("Đài Phát thanh và Truyền hình Hưng Yên", on_time=0, late=0, within=2, overdue=0,
                  agency_code="DAI"),
)

OVERDUE_TASKS = (
    OverdueTask(
        directive_number="1324/UBND-KGVX", directive_date=dt.date(2022, 5, 25), paragraph="2",
        content="Tổ chức thực hiện hiệu quả chính sách hỗ trợ tiền thuê nhà cho người lao động theo "
                "Quyết định số 08/2022/QĐ-TTg, đảm bảo hoàn thành trong tháng 8/2022.",
        lead="Sở Lao động - Thương binh và Xã hội",
        coordinating=("Sở Tài chính", "Sở Kế hoạch và Đầu tư", "Ban Quản lý các khu công nghiệp tỉnh"),
        deadline_in_force=dt.date(2026, 11, 16), days_overdue=14, latest_percent=80,
        latest_progress="Đã chi trả hỗ trợ cho 12.450 lao động; còn 310 hồ sơ đang thẩm định.",
    ),
    OverdueTask(
        directive_number="93/KH-UBND", directive_date=dt.date(2022, 5, 19), paragraph="III.1",
        content="Rà soát, tổng hợp danh sách người lao động đủ điều kiện hỗ trợ trên địa bàn huyện.",
        lead="Ủy ban nhân dân huyện Văn Lâm", coordinating=("Bảo hiểm xã hội tỉnh",),
        deadline_in_force=dt.date(2026, 10, 31), days_overdue=30, latest_percent=60,
        latest_progress="Đang đối chiếu danh sách với cơ quan bảo hiểm xã hội.",
    ),
    OverdueTask(
        directive_number="28/CTr-UBND", directive_date=dt.date(2022, 2, 18), paragraph="5",
        content="Xây dựng cơ sở dữ liệu cung - cầu lao động của tỉnh.",
        lead="Sở Kế hoạch và Đầu tư", coordinating=("Sở Thông tin và Truyền thông",),
        deadline_in_force=dt.date(2026, 11, 18), days_overdue=12, latest_percent=None, latest_progress=None,
    ),
)

TARGETS = (
    TargetStatus("Tỷ lệ người thất nghiệp được tư vấn, giới thiệu việc làm", "%", 80.0,
                 dt.date(2025, 12, 31), latest_value=83.5, reported_on=dt.date(2026, 11, 20),
                 lead="Sở Lao động - Thương binh và Xã hội", directive_number="1324/UBND-KGVX"),
    TargetStatus("Số lao động được giải quyết việc làm mới trong năm", "người", 24000.0,
                 dt.date(2026, 12, 31), latest_value=21350.0, reported_on=dt.date(2026, 11, 20),
                 lead="Sở Lao động - Thương binh và Xã hội", directive_number="1324/UBND-KGVX"),
    TargetStatus("Tỷ lệ thất nghiệp khu vực thành thị", "%", 3.0, dt.date(2026, 12, 31),
                 latest_value=None, reported_on=None, lead="Sở Lao động - Thương binh và Xã hội",
                 higher_is_better=False),
)


def sample_report(**overrides) -> ConsolidatedReport:
    """The demo province's report as of 30/11/2026; keyword arguments replace fields."""
    fields = dict(
        letterhead=Letterhead(
            issuer_name="ỦY BAN NHÂN DÂN\nTỈNH HƯNG YÊN",
            place="Hưng Yên",
            number=None,
            symbol="BC-UBND",
            signer_name="Nguyễn Duy Hưng",
            signer_capacity=("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"),
            recipients=(
                "Văn phòng Chính phủ (để b/c);",
                "Bộ Lao động - Thương binh và Xã hội (để b/c);",
                "TT Tỉnh ủy, TT HĐND tỉnh (để b/c);",
                "Chủ tịch, các PCT UBND tỉnh;",
                "Các sở, ban, ngành tỉnh;",
                "UBND các huyện, thị xã, thành phố;",
                "Lưu: VT, KGVX.",
            ),
        ),
        scope=ReportScope(
            kind=SCOPE_DIRECTIVES,
            description="các văn bản chỉ đạo của Ủy ban nhân dân tỉnh ban hành từ ngày 01/01/2022 "
                        "đến ngày 30/11/2026",
            date_from=dt.date(2022, 1, 1), date_to=AS_OF,
        ),
        as_of=AS_OF,
        dated=AS_OF,
        title="Tình hình thực hiện nhiệm vụ Ủy ban nhân dân tỉnh giao năm 2026",
        agencies=AGENCY_FIGURES,
        overdue_tasks=OVERDUE_TASKS,
        targets=TARGETS,
        assessment=(
            "Nhìn chung, các cơ quan, đơn vị đã chủ động triển khai nhiệm vụ được giao; một số "
            "nhiệm vụ còn chậm do vướng mắc về hồ sơ, thủ tục và phối hợp giữa các cơ quan.",
        ),
        proposals=(
            "Đề nghị các cơ quan có nhiệm vụ quá hạn khẩn trương hoàn thành, báo cáo Ủy ban nhân "
            "dân tỉnh (qua Văn phòng) trước ngày 15/12/2026.",
        ),
    )
    fields.update(overrides)
    return ConsolidatedReport(**fields)


_LEADS = [f.agency_name for f in AGENCY_FIGURES]
_CONTENTS = [t.content for t in OVERDUE_TASKS]


def synthetic_task_rows(count: int, *, as_of: dt.date = AS_OF) -> Iterator[TaskRow]:
    """``count`` plausible task rows, made one at a time (nothing is kept: the benchmark's input)."""
    statuses = {ON_TIME: "completed", LATE: "completed", WITHIN: "in_progress", OVERDUE: "in_progress"}
    for n, timeliness in zip(range(1, count + 1), itertools.cycle(TIMELINESS)):
        deadline = as_of + dt.timedelta(days=(n % 120) - 60)
        if timeliness == OVERDUE:
            deadline = min(deadline, as_of - dt.timedelta(days=1 + n % 40))
        completed = None
        if timeliness == ON_TIME:
            completed = deadline - dt.timedelta(days=n % 5)
        elif timeliness == LATE:
            completed = deadline + dt.timedelta(days=1 + n % 9)
        yield TaskRow(
            task_id=n,
            directive_number=f"{100 + n % 900}/UBND-KGVX",
            directive_date=dt.date(2026, 1 + n % 11, 1 + n % 28),
            paragraph=f"{1 + n % 9}.{1 + n % 4}",
            content=f"{_CONTENTS[n % len(_CONTENTS)]} (nhiệm vụ {n})",
            lead=_LEADS[n % len(_LEADS)],
            coordinating=(_LEADS[(n + 1) % len(_LEADS)], _LEADS[(n + 3) % len(_LEADS)]),
            status=statuses[timeliness],
            timeliness=timeliness,
            original_deadline=deadline - dt.timedelta(days=30 * (n % 2)),
            deadline_in_force=deadline,
            completed_on=completed,
            days_overdue=(as_of - deadline).days if timeliness == OVERDUE else None,
            progress_percent=100 if completed else (n * 7) % 100,
            progress_text=f"Đã triển khai {n % 17} cuộc kiểm tra, hướng dẫn tại cơ sở; đang tổng hợp kết quả "
                          f"báo cáo Ủy ban nhân dân tỉnh (lần {n % 5 + 1}).",
        )

"""Words and colours the pages use, and reading the register's query string."""

from __future__ import annotations

from ..dates import parse_date
from ..i18n import _
from .deadlines import Deadline
from .models import DIRECTIVE_STATUSES
from .queries import SORTS, RegisterFilter

STATUS_LABELS = {
    "draft": _("Dự thảo"), "submitted": _("Chờ ký"), "returned": _("Bị trả lại"),
    "issued": _("Đã ban hành"), "withdrawn": _("Đã thu hồi"),
}

TASK_STATUS_LABELS = {
    "assigned": _("Đã giao"), "acknowledged": _("Đã tiếp nhận"), "in_progress": _("Đang thực hiện"),
    "completion_reported": _("Đã báo cáo hoàn thành"), "completed": _("Hoàn thành"),
    "returned": _("Bị trả lại"), "cancelled": _("Đã hủy"),
}

# CSS classes of the status badges (static/css/app.css has the colours)
TASK_STATUS_CLASSES = {
    "assigned": "status-assigned", "acknowledged": "status-acknowledged", "in_progress": "status-progress",
    "completion_reported": "status-reported", "completed": "status-done", "returned": "status-returned",
    "cancelled": "status-cancelled",
}

HISTORY_LABELS = {
    "created": _("Tạo dự thảo"), "updated": _("Sửa dự thảo"), "submitted": _("Trình ký"), "returned": _("Trả lại"),
    "issued": _("Ký ban hành"), "withdrawn": _("Thu hồi"), "deleted": _("Xóa dự thảo"),
}


def issuer_lines(agency) -> list[str]:
    """The issuing authority in capitals, as Decree 30 sets it: "ỦY BAN NHÂN DÂN" / "TỈNH HƯNG YÊN";
    an office under it: "UBND TỈNH HƯNG YÊN" / "VĂN PHÒNG"."""
    name = agency.name.upper()
    if agency.parent is not None:
        parent = (agency.parent.short_name or agency.parent.name).upper()
        own = name.split(" ỦY BAN")[0].split(" UBND")[0]
        return [parent, own]
    for head in ("ỦY BAN NHÂN DÂN ", "UBND "):
        if name.startswith(head):
            return [head.strip(), name[len(head):]]
    return [name]


def deadline_words(row) -> str:
    """The deadline of a written task or an amendment change, in words."""
    return Deadline.from_row(row).describe()


def group_by_written_task(directive, tasks) -> list[tuple]:
    """[(written task, [its tasks])] in the order of the document, for the task table."""
    by_written: dict[int, list] = {}
    for task in tasks:
        by_written.setdefault(task.directive_task_id, []).append(task)
    return [(written, by_written[written.id]) for written in directive.tasks if written.id in by_written]


def body_paragraphs(body: str) -> list[str]:
    return [line.strip() for line in (body or "").splitlines() if line.strip()]


_FIELD_WORDS = {
    "tasks": _("Nhiệm vụ"), "lead": _("cơ quan chủ trì"), "coordinating": _("cơ quan phối hợp"),
    "report_to": _("báo cáo qua"), "deadline": _("thời hạn"), "content": _("nội dung"), "targets": _("chỉ tiêu"),
    "addressees": _("Kính gửi"), "copy_to": _("Nơi nhận"), "references": _("Văn bản viện dẫn"),
    "subject": _("Trích yếu"), "body": _("Nội dung văn bản"), "signer": _("Người ký"), "capacity": _("thẩm quyền ký"),
    "type": _("Loại văn bản"), "issuer": _("Cơ quan ban hành"), "amends": _("Văn bản được sửa đổi"),
    "amendments": _("Sửa đổi thời hạn"), "written_task": _("nhiệm vụ"), "forwards": _("văn bản chuyển"),
    "number": _("số, ký hiệu"), "comment": _("lý do"), "reason": _("lý do"), "file": _("tệp"),
}


def describe_fields(request, fields: dict[str, str]) -> list[str]:
    """``{"tasks.2.lead": "..."}`` → ["Nhiệm vụ 3, cơ quan chủ trì: ..."] for people."""
    out = []
    for path, message in fields.items():
        words = []
        for part in path.split("."):
            if part.isdigit():
                if words:
                    words[-1] = f"{words[-1]} {int(part) + 1}"
                continue
            word = _FIELD_WORDS.get(part)
            words.append(request.translate(word) if word else part)
        out.append(f"{', '.join(words)}: {message}")
    return out


def register_filter(params) -> tuple[RegisterFilter, list[str]]:
    """Read the register's query string; values that do not parse are dropped and reported."""
    problems = []
    wanted = RegisterFilter(
        q=(params.get("q") or "").strip() or None,
        type=params.get("type") or None,
        issuer=params.get("issuer") or None,
        signer=params.get("signer") or None,
        cursor=params.get("cursor") or None,
    )
    status = params.get("status") or None
    if status in DIRECTIVE_STATUSES:
        wanted.status = status
    elif status:
        problems.append("status")
    sort = params.get("sort") or None
    if sort in SORTS:
        wanted.sort = sort
    elif sort:
        problems.append("sort")
    for key, attr in (("from", "date_from"), ("to", "date_to")):
        value = params.get(key)
        if value:
            try:
                setattr(wanted, attr, parse_date(value))
            except ValueError:
                problems.append(key)
    limit = params.get("limit")
    if limit:
        try:
            wanted.limit = max(1, min(int(limit), 200))
        except ValueError:
            problems.append("limit")
    return wanted, problems

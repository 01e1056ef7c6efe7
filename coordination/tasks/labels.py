"""What the UI calls states, classes and audit actions (Vietnamese, translatable)."""

from ..i18n import _

STATUS_LABELS = {
    "assigned": _("Mới giao"),
    "acknowledged": _("Đã tiếp nhận"),
    "in_progress": _("Đang thực hiện"),
    "completion_reported": _("Chờ đánh giá"),
    "completed": _("Hoàn thành"),
    "returned": _("Trả lại"),
    "cancelled": _("Đã hủy"),
    "open": _("Đang thực hiện"),
}

TIMELINESS_LABELS = {
    "completed_on_time": _("Hoàn thành đúng hạn"),
    "completed_late": _("Hoàn thành quá hạn"),
    "open_within_deadline": _("Đang thực hiện trong hạn"),
    "overdue": _("Quá hạn"),
}

ACTION_LABELS = {
    "created": _("Tạo nhiệm vụ"),
    "acknowledge": _("Tiếp nhận"),
    "report_progress": _("Báo cáo tiến độ"),
    "contribute": _("Ý kiến phối hợp"),
    "report_completion": _("Báo cáo hoàn thành"),
    "accept_completion": _("Công nhận hoàn thành"),
    "return_completion": _("Trả lại"),
    "request_extension": _("Đề nghị gia hạn"),
    "approve_extension": _("Đồng ý gia hạn"),
    "refuse_extension": _("Không đồng ý gia hạn"),
    "escalate": _("Kiến nghị vượt thẩm quyền"),
    "decide_escalation": _("Trả lời kiến nghị"),
    "delegate": _("Giao nhiệm vụ con"),
    "comment": _("Ý kiến trao đổi"),
    "cancel": _("Hủy nhiệm vụ"),
    "status_changed": _("Thay đổi trạng thái"),
    "occurrences_created": _("Tạo kỳ báo cáo định kỳ"),
}

DEADLINE_REASONS = {
    "original": _("Thời hạn ban đầu"),
    "extension": _("Gia hạn"),
    "occurrence": _("Kỳ báo cáo tiếp theo"),
    "changed": _("Điều chỉnh"),
}

FIELD_LABELS = {
    "status": _("Trạng thái"),
    "occurrence_status": _("Trạng thái kỳ"),
    "occurrence": _("Kỳ"),
    "completed_on": _("Ngày báo cáo hoàn thành"),
    "percent_done": _("Tiến độ (%)"),
    "deadline_in_force": _("Thời hạn"),
    "proposed_deadline": _("Thời hạn đề nghị"),
    "reason": _("Lý do"),
    "note": _("Ý kiến"),
    "decision": _("Ý kiến chỉ đạo"),
    "matter": _("Vấn đề"),
    "proposal": _("Đề xuất"),
    "due_on": _("Hạn các kỳ"),
}

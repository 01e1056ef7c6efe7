"""``inbox_lines``: what the inbox page shows of each row, worked out before the template."""

import datetime as dt

from coordination.tasks.inbox import InboxRow
from coordination.tasks.inbox_lines import inbox_lines
from coordination.tasks.labels import STATUS_LABELS, TIMELINESS_LABELS

TODAY = dt.date(2025, 6, 1)


def row(**changes) -> InboxRow:
    values = dict(id=7, content="Tổ chức thực hiện", parent_id=None, rrule=None, status="in_progress",
                  original_deadline=dt.date(2025, 6, 30), deadline_in_force=dt.date(2025, 6, 30), completed_on=None,
                  percent_done=40, directive_number=1324, directive_symbol="UBND-KGVX",
                  directive_issued_on=dt.date(2025, 5, 25), lead_name="Sở Lao động - Thương binh và Xã hội",
                  lead_short_name="Sở LĐTBXH")
    values.update(changes)
    return InboxRow(**values)


def lines(*rows):
    return inbox_lines(rows, today=TODAY, task_url=lambda id: f"/tasks/{id}", status_names=STATUS_LABELS,
                       timeliness_names=TIMELINESS_LABELS, ongoing="Thường xuyên")


def test_a_row_shows_its_directive_dates_link_labels_and_progress():
    (line,) = lines(row())
    assert (line.number_symbol, line.issued_on, line.url, line.deadline) == ("1324/UBND-KGVX", "25/05/2025", "/tasks/7", "30/06/2025")
    assert (line.status, line.status_label) == ("in_progress", STATUS_LABELS["in_progress"])
    assert (line.timeliness, line.timeliness_label) == ("open_within_deadline", TIMELINESS_LABELS["open_within_deadline"])
    assert (line.css, line.original_deadline, line.percent, line.lead) == ("", None, 40, "Sở LĐTBXH")
    assert not line.subtask and not line.recurring


def test_overdue_due_soon_and_ongoing_rows():
    overdue, soon, not_yet, ongoing, reported_late = lines(
        row(deadline_in_force=dt.date(2025, 5, 31)),
        row(deadline_in_force=dt.date(2025, 6, 8)),       # seven days ahead: due soon
        row(deadline_in_force=dt.date(2025, 6, 9)),       # eight days ahead: not yet
        row(deadline_in_force=None, original_deadline=None),
        row(status="completion_reported", deadline_in_force=dt.date(2025, 5, 10), completed_on=dt.date(2025, 5, 20)),
    )
    assert [x.css for x in (overdue, soon, not_yet, ongoing, reported_late)] == [
        "is-overdue", "is-due-soon", "", "", "is-overdue"]
    assert (ongoing.deadline, ongoing.timeliness) == ("Thường xuyên", "open_within_deadline")


def test_an_extended_deadline_shows_the_original_except_for_a_recurring_task():
    extended, recurring = lines(row(deadline_in_force=dt.date(2025, 7, 31)),
                                row(deadline_in_force=dt.date(2025, 7, 31), rrule="FREQ=YEARLY"))
    assert extended.original_deadline == "30/06/2025" and extended.deadline == "31/07/2025"
    assert recurring.original_deadline is None and recurring.recurring


def test_a_cancelled_row_has_no_timeliness_and_long_content_is_cut():
    cancelled, long = lines(row(status="cancelled"), row(content="x" * 300, parent_id=3, lead_short_name=None))
    assert cancelled.timeliness is None and cancelled.timeliness_label is None and cancelled.css == ""
    assert len(long.content) == 220 and long.subtask and long.lead == "Sở Lao động - Thương binh và Xã hội"

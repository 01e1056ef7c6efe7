"""The consolidated report filled from the database, checked against a hand-computed dataset."""

from __future__ import annotations

import datetime as dt
from fractions import Fraction

import pytest

from coordination import clock
from coordination.reports import queries, tasksheet
from coordination.reports.model import (
    LATE,
    ON_TIME,
    OVERDUE,
    SCOPE_AGENCY,
    SCOPE_ALL,
    SCOPE_DIRECTIVE,
    WITHIN,
    Letterhead,
    ReportScope,
)
from coordination.tasks.queries import timeliness_counts
from tests.tasks import factories

from . import dataset
from .dataset import AS_OF, EXPECTED, EXPECTED_OVERDUE, EXPECTED_RANKING

LETTERHEAD = Letterhead(issuer_name="ỦY BAN NHÂN DÂN\nTỈNH HƯNG YÊN", place="Hưng Yên", signer_name="Nguyễn Duy Hưng",
                        signer_capacity=("KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH"))


@pytest.fixture
def data(dbsession, demo):
    return dataset.build(dbsession)


def _scope(data, **kw):
    return ReportScope(kind=SCOPE_DIRECTIVE, description="văn bản X", directive_ids=(data.directive.id,), **kw)


def _figures(report):
    return {f.agency_code: (f.on_time, f.late, f.within, f.overdue, f.overdue_days_total, f.extensions_granted,
                            f.escalations_open) for f in report.agencies}


def test_every_figure_of_the_report_matches_the_hand_computed_dataset(dbsession, data):
    report = queries.build_report(dbsession, _scope(data), AS_OF, LETTERHEAD, dated=dt.date(2025, 7, 1))
    assert _figures(report) == EXPECTED
    total = report.total
    assert (total.on_time, total.late, total.within, total.overdue, total.assigned) == (4, 2, 3, 5, 14)
    assert total.on_time_rate == Fraction(4, 11)
    assert total.average_days_overdue == pytest.approx(49 / 5)
    assert (total.extensions_granted, total.escalations_open) == (1, 1)
    by_code = {f.agency_code: f for f in report.agencies}
    assert by_code["STC"].on_time_rate == Fraction(1, 2) and by_code["H-VANLAM"].on_time_rate == 0
    assert by_code["STC"].average_days_overdue == 18
    assert [(e.figures.agency_code, e.rank) for e in report.ranking] == EXPECTED_RANKING
    # agencies printed by level in the tree, then alphabetically: departments before the district
    assert [f.agency_code for f in report.agencies] == ["SKHDT", "SLDTBXH", "STC", "H-VANLAM"]
    assert (report.as_of, report.dated) == (AS_OF, dt.date(2025, 7, 1))


def test_the_overdue_list_with_days_coordinators_and_progress_as_of_the_cutoff(dbsession, data):
    report = queries.build_report(dbsession, _scope(data), AS_OF, LETTERHEAD)
    overdue = report.overdue_tasks
    codes = {f.agency_name: f.agency_code for f in report.agencies}
    assert [(codes[t.lead], t.days_overdue) for t in overdue] == EXPECTED_OVERDUE
    t4 = next(t for t in overdue if t.task_id == data.tasks["t4"].id)
    # the report of 1/7 00:01 came after the cut-off: the list shows the 25/6 one
    assert (t4.latest_progress, t4.latest_percent) == ("Đã rà soát 50% hồ sơ", 50)
    assert t4.coordinating == ("Sở Kế hoạch và Đầu tư", "Sở Tài chính")
    assert t4.deadline_in_force == dt.date(2025, 6, 29)
    assert t4.directive_number == data.directive.number_symbol and t4.directive_date == dt.date(2025, 6, 1)
    v1 = next(t for t in overdue if t.task_id == data.tasks["v1"].id)
    assert v1.latest_progress is None and v1.coordinating == ("Sở Lao động - Thương binh và Xã hội", "Sở Tài chính")
    t8 = next(t for t in overdue if t.task_id == data.tasks["t8"].id)
    assert t8.latest_percent == 100  # its (late) completion report is the latest progress


def test_targets_against_the_latest_value_reported_by_the_cutoff(dbsession, data):
    report = queries.build_report(dbsession, _scope(data), AS_OF, LETTERHEAD)
    targets = {t.indicator: t for t in report.targets}
    share = targets["Tỷ lệ người thất nghiệp được giới thiệu việc làm"]
    assert (share.target, share.latest_value, share.reported_on, share.reached) == (80.0, 82.0, dt.date(2025, 6, 28), True)
    assert share.lead == "Sở Lao động - Thương binh và Xã hội" and share.directive_number == data.directive.number_symbol
    lower = targets["Giảm tỷ lệ thất nghiệp thành thị xuống dưới"]
    assert (lower.higher_is_better, lower.latest_value, lower.reached) == (False, 3.5, False)
    before_any = queries.build_report(dbsession, _scope(data), dt.date(2025, 6, 14), LETTERHEAD)
    assert {t.latest_value for t in before_any.targets} == {None}


def test_rebuilding_for_the_same_cutoff_after_later_changes_gives_the_same_report(dbsession, data):
    """Built on the evening of 30/6 (current columns), rebuilt on 10/7 after a month of changes
    (history tables): equal, field for field."""
    first = queries.build_report(dbsession, _scope(data), AS_OF, LETTERHEAD, dated=AS_OF)
    first_rows = list(tasksheet.task_rows(dbsession, _scope(data), AS_OF))
    dataset.change_after_cutoff(dbsession, data)
    again = queries.build_report(dbsession, _scope(data), AS_OF, LETTERHEAD, dated=AS_OF)
    assert again == first
    assert again.ranking == first.ranking and again.total == first.total
    assert list(tasksheet.task_rows(dbsession, _scope(data), AS_OF)) == first_rows
    # ... while today's report does see July
    today = queries.build_report(dbsession, _scope(data), clock.today(), LETTERHEAD)
    assert _figures(today)["SLDTBXH"] != EXPECTED["SLDTBXH"]
    assert "H-VANLAM" in _figures(today) and _figures(today)["H-VANLAM"][3] == 0  # v1 cancelled


def test_class_counts_agree_with_the_task_lifecycle_counts(dbsession, data):
    for day in (dt.date(2025, 6, 10), dt.date(2025, 6, 20), AS_OF):
        report = queries.build_report(dbsession, _scope(data), day, LETTERHEAD)
        lifecycle_counts = timeliness_counts(dbsession, as_of=day, directive_ids=[data.directive.id], top_level_only=True)
        assert {f.agency_id: {ON_TIME: f.on_time, LATE: f.late, WITHIN: f.within, OVERDUE: f.overdue}
                for f in report.agencies if f.assigned} == lifecycle_counts


def test_agency_scope_counts_its_tasks_and_the_subtasks_it_delegated(dbsession, data):
    sl = factories.agency(dbsession, "SLDTBXH")
    scope = ReportScope(kind=SCOPE_AGENCY, description="Sở LĐTBXH", agency_id=sl.id)
    report = queries.build_report(dbsession, scope, AS_OF, LETTERHEAD)
    figures = _figures(report)
    assert list(figures) == ["SLDTBXH", "TTDVVL"]  # the scope's agency first
    assert figures["SLDTBXH"] == EXPECTED["SLDTBXH"]
    assert figures["TTDVVL"] == (0, 0, 0, 1, 5, 0, 0)
    # the office-wide report does not count the subtask: the directive assigned t3 to SLDTBXH
    office = queries.build_report(dbsession, ReportScope(kind=SCOPE_ALL, description="tất cả"), AS_OF, LETTERHEAD)
    assert "TTDVVL" not in _figures(office)
    # the subtask's lead sees it as its own task
    unit = queries.build_report(dbsession, ReportScope(kind=SCOPE_AGENCY, description="TT DVVL",
                                                       agency_id=factories.agency(dbsession, "TTDVVL").id), AS_OF, LETTERHEAD)
    assert _figures(unit) == {"TTDVVL": (0, 0, 0, 1, 5, 0, 0)}


def test_directive_filters_issuer_type_signer_and_dates(dbsession, data):
    ubnd = factories.agency(dbsession, "UBND")
    other = factories.directive(dbsession, issued_on=dt.date(2025, 6, 20), signer_name="Người ký khác")
    clock.set_now(dt.datetime(2025, 6, 20, 9))
    factories.task(dbsession, directive_obj=other, lead="STC", deadline=dt.date(2025, 6, 25), coordinating=())
    clock.set_now(dt.datetime(2025, 6, 30, 18))

    def stc(**kw):
        report = queries.build_report(dbsession, ReportScope(kind="directives", description="d", **kw), AS_OF, LETTERHEAD)
        return _figures(report).get("STC", (0,) * 7)[:4]

    assert stc() == (1, 0, 1, 2)
    assert stc(issuer_id=ubnd.id, directive_type="cong-van") == (1, 0, 1, 2)
    assert stc(directive_type="ke-hoach") == (0, 0, 0, 0)
    assert stc(signer="Người ký khác") == (0, 0, 0, 1)
    assert stc(date_from=dt.date(2025, 6, 2)) == (0, 0, 0, 1)
    assert stc(date_to=dt.date(2025, 6, 1)) == (1, 0, 1, 1)


def test_task_rows_stream_every_unit_with_its_state_as_of_the_cutoff(dbsession, data):
    rows = tasksheet.task_rows(dbsession, _scope(data), AS_OF)
    assert iter(rows) is rows  # a generator, not a list
    rows = {r.task_id: r for r in rows}
    t = data.tasks
    assert t["t6"].id not in rows and t["sub"].id not in rows
    assert len(rows) == 14
    assert (rows[t["t2"].id].timeliness, rows[t["t2"].id].days_overdue, rows[t["t2"].id].completed_on) == (LATE, 1, dt.date(2025, 6, 21))
    assert (rows[t["t4"].id].timeliness, rows[t["t4"].id].days_overdue, rows[t["t4"].id].progress_text) == (OVERDUE, 1, "Đã rà soát 50% hồ sơ")
    assert rows[t["t5"].id].original_deadline == dt.date(2025, 6, 25) and rows[t["t5"].id].deadline_in_force == dt.date(2025, 7, 31)
    assert rows[t["t8"].id].status == "completion_reported" and rows[t["t8"].id].days_overdue == 18
    assert rows[t["t10"].id].deadline_in_force is None and rows[t["t10"].id].timeliness == WITHIN
    assert rows[t["v1"].id].coordinating == ("Sở Lao động - Thương binh và Xã hội", "Sở Tài chính")
    assert rows[t["t3"].id].progress_percent == 82
    assert rows[t["t1"].id].days_overdue is None


def test_recurring_tasks_count_by_occurrence(dbsession, demo):
    from coordination.tasks.occurrences import create_due_occurrences

    clock.set_now(dt.datetime(2025, 1, 2, 9))
    directive = factories.directive(dbsession, issued_on=dt.date(2025, 1, 2))
    task = factories.task(dbsession, directive_obj=directive, deadline=None, rrule="FREQ=MONTHLY;BYMONTHDAY=10",
                          rrule_start=dt.date(2025, 1, 1), coordinating=())
    create_due_occurrences(dbsession, horizon_days=60, today=dt.date(2025, 1, 2))
    clock.set_now(dt.datetime(2025, 2, 20, 9))
    scope = ReportScope(kind=SCOPE_DIRECTIVE, description="d", directive_ids=(directive.id,))
    report = queries.build_report(dbsession, scope, dt.date(2025, 2, 20), LETTERHEAD)
    assert _figures(report)["SLDTBXH"][:4] == (0, 0, 0, 2)  # January and February occurrences
    rows = list(tasksheet.task_rows(dbsession, scope, dt.date(2025, 2, 20)))
    assert [(r.task_id, r.deadline_in_force, r.days_overdue) for r in rows] == [
        (task.id, dt.date(2025, 1, 10), 41), (task.id, dt.date(2025, 2, 10), 10)]
    assert {r.status for r in rows} == {"in_progress"}
    assert timeliness_counts(dbsession, directive_ids=[directive.id])[task.lead_agency_id][OVERDUE] == 2


def test_an_empty_scope_gives_an_empty_report(dbsession, demo):
    clock.set_now(dt.datetime(2025, 6, 1, 9))
    report = queries.build_report(dbsession, ReportScope(kind=SCOPE_ALL, description="tất cả"), dt.date(2025, 5, 31), LETTERHEAD)
    assert report.agencies == () and report.overdue_tasks == () and report.targets == ()
    assert report.total.on_time_rate is None and list(tasksheet.task_rows(dbsession, report.scope, report.as_of)) == []


def test_days_overdue_rules():
    june = lambda d: dt.date(2025, 6, d)  # noqa: E731
    assert queries.days_overdue(june(30), june(29), "in_progress", None) == 1
    assert queries.days_overdue(june(30), june(10), "completion_reported", june(28)) == 18
    assert queries.days_overdue(june(30), None, "in_progress", None) is None


def test_lower_is_better_is_read_from_the_wording():
    assert queries.lower_is_better("Giảm tỷ lệ hộ nghèo xuống dưới 2%")
    assert queries.lower_is_better("Tỷ lệ thất nghiệp không quá 3%")
    assert not queries.lower_is_better("80% người thất nghiệp được giới thiệu việc làm")

"""The report's figures: what a rate, a total and a reached target mean."""

import datetime as dt
from fractions import Fraction

import pytest

from coordination.reports.model import (
    SCOPE_AGENCY,
    SCOPE_DIRECTIVE,
    SCOPE_DIRECTIVES,
    AgencyFigures,
    Letterhead,
    ReportScope,
    TargetStatus,
    total_of,
)


def test_assigned_is_the_sum_of_the_four_timeliness_classes():
    row = AgencyFigures("Sở Tài chính", on_time=4, late=2, within=3, overdue=1, overdue_days_total=5)
    assert row.assigned == 10
    assert row.completed == 6


def test_the_on_time_rate_counts_only_tasks_that_have_fallen_due():
    # 6 on time, 2 late, 2 overdue have fallen due; the 90 open within deadline do not dilute it
    row = AgencyFigures("Sở Y tế", on_time=6, late=2, within=90, overdue=2, overdue_days_total=8)
    assert row.on_time_rate == Fraction(6, 10)
    assert row.on_time_ratio == pytest.approx(0.6)


def test_an_agency_with_nothing_due_has_no_rate_rather_than_zero_or_full_marks():
    assert AgencyFigures("Sở Nội vụ", within=3).on_time_rate is None
    assert AgencyFigures("Sở Nội vụ").on_time_ratio is None


def test_average_days_overdue_is_over_the_overdue_tasks():
    assert AgencyFigures("Sở Y tế", overdue=4, overdue_days_total=10).average_days_overdue == 2.5
    assert AgencyFigures("Sở Y tế", on_time=3).average_days_overdue is None


@pytest.mark.parametrize("bad, named", [
    ({"on_time": -1}, "on_time"), ({"late": 1.5}, "late"), ({"within": "2"}, "within"),
    ({"escalations_open": -3}, "escalations_open"), ({"extensions_granted": None}, "extensions_granted"),
    ({"overdue_days_total": 3}, "overdue days"),
])
def test_impossible_figures_are_refused_naming_the_count(bad, named):
    with pytest.raises(ValueError, match=named):
        AgencyFigures("Sở Y tế", **bad)


def test_the_total_row_sums_the_agency_rows(report):
    total = report.total
    for field in ("on_time", "late", "within", "overdue", "overdue_days_total", "extensions_granted",
                  "escalations_open", "assigned"):
        assert getattr(total, field) == sum(getattr(row, field) for row in report.agencies), field
    assert total.agency_name == "Tổng cộng"
    assert total_of([]).assigned == 0


@pytest.mark.parametrize(
    ("value", "higher_is_better", "reached"),
    [(80.0, True, True), (79.9, True, False), (2.5, False, True), (3.1, False, False), (None, True, None)],
)
def test_a_target_is_reached_in_its_own_direction(value, higher_is_better, reached):
    target = TargetStatus("Chỉ tiêu", "%", 80.0 if higher_is_better else 3.0, latest_value=value,
                          higher_is_better=higher_is_better)
    assert target.reached is reached


def test_a_scope_survives_its_json_form():
    scope = ReportScope(kind=SCOPE_DIRECTIVES, description="các văn bản năm 2026", issuer_id=1,
                        directive_type="ke-hoach", signer="Nguyễn Duy Hưng",
                        date_from=dt.date(2026, 1, 1), date_to=dt.date(2026, 11, 30))
    assert ReportScope.from_json(scope.to_json()) == scope


@pytest.mark.parametrize(
    "kwargs",
    [
        {"kind": "everything"},
        {"kind": SCOPE_DIRECTIVE},
        {"kind": SCOPE_AGENCY},
        {"kind": SCOPE_DIRECTIVES, "date_from": dt.date(2026, 2, 1), "date_to": dt.date(2026, 1, 1)},
    ],
)
def test_an_incomplete_scope_is_refused(kwargs):
    with pytest.raises(ValueError):
        ReportScope(description="x", **kwargs)


def test_an_unnumbered_report_leaves_the_number_blank_for_the_registry():
    head = Letterhead(issuer_name="ỦY BAN NHÂN DÂN\nTỈNH HƯNG YÊN", place="Hưng Yên", signer_name="A",
                      signer_capacity=("CHỦ TỊCH",))
    assert head.number_symbol.endswith("/BC-UBND") and head.number_symbol.split("/")[0].strip() == ""
    assert Letterhead(**{**head.__dict__, "number": 125}).number_symbol == "125/BC-UBND"
    assert head.issuer_line == "ỦY BAN NHÂN DÂN TỈNH HƯNG YÊN"

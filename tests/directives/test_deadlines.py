"""The four kinds of deadline: reading the API shape, due dates, the words shown, the form's rules."""

import datetime as dt

import pytest

from coordination.directives import deadlines as dl
from coordination.directives.deadlines import Deadline, DeadlineError
from coordination.directives.forms import deadline_from_form, deadline_to_form


def test_a_month_deadline_is_due_on_the_last_day_of_the_month():
    assert Deadline.from_json({"kind": "month", "month": "2022-08"}).first_due(dt.date(2022, 5, 25)) == dt.date(2022, 8, 31)
    assert Deadline.from_json({"kind": "month", "month": "2024-02"}).date == dt.date(2024, 2, 29)
    assert Deadline.from_json({"kind": "month", "month": "2/2023"}).date == dt.date(2023, 2, 28)


def test_a_recurring_deadline_is_first_due_on_the_next_occurrence_after_issuing():
    yearly = Deadline.from_json({"kind": "recurring", "rrule": "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=15",
                                 "start": "2021-01-01", "end": "2030-12-31"})
    assert yearly.first_due(dt.date(2022, 5, 25)) == dt.date(2022, 12, 15)
    assert yearly.first_due(dt.date(2022, 12, 15)) == dt.date(2022, 12, 15)
    assert yearly.first_due(dt.date(2031, 1, 1)) is None  # past the end
    assert yearly.occurrences(dt.date(2029, 1, 1)) == [dt.date(2029, 12, 15), dt.date(2030, 12, 15)]
    quarterly = Deadline.recurring(dl.build_rrule(dl.QUARTERLY, 10, None, None), dt.date(2022, 1, 1))
    assert quarterly.occurrences(dt.date(2022, 5, 25), limit=3) == [
        dt.date(2022, 6, 10), dt.date(2022, 9, 10), dt.date(2022, 12, 10)]


def test_ongoing_work_has_no_due_date_but_may_carry_a_periodic_report():
    assert Deadline.from_json({"kind": "ongoing"}).first_due(dt.date(2022, 5, 25)) is None
    reporting = Deadline.from_json({"kind": "ongoing", "report": {"rrule": "FREQ=MONTHLY;BYMONTHDAY=25",
                                                                   "start": "2022-06-01"}})
    assert reporting.first_due(dt.date(2022, 5, 25)) is None
    assert reporting.occurrences(dt.date(2022, 6, 1), limit=2) == [dt.date(2022, 6, 25), dt.date(2022, 7, 25)]
    assert reporting.describe() == "Thường xuyên; báo cáo hằng tháng, trước ngày 25"
    assert reporting.to_json() == {"kind": "ongoing", "report": {"rrule": "FREQ=MONTHLY;BYMONTHDAY=25",
                                                                 "start": "2022-06-01", "end": None}}


@pytest.mark.parametrize("data, field", [
    ({"kind": "date"}, "date"),
    ({"kind": "date", "date": "31/08/2022"}, "date"),
    ({"kind": "month", "month": "2022-13"}, "month"),
    ({"kind": "recurring", "rrule": "FREQ=DAILY", "start": "2022-01-01"}, "rrule"),
    ({"kind": "recurring", "rrule": "FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", "start": "2022-01-01"}, "rrule"),
    ({"kind": "recurring", "rrule": "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=15"}, "start"),
    ({"kind": "recurring", "rrule": "DTSTART:20200101\nFREQ=YEARLY", "start": "2022-01-01"}, "rrule"),
    ({"kind": "soon"}, "kind"),
    ("2022-08-31", "kind"),
])
def test_bad_deadlines_name_the_field_at_fault(data, field):
    with pytest.raises(DeadlineError) as error:
        Deadline.from_json(data)
    assert field in error.value.fields


def test_words_follow_the_document():
    assert Deadline.from_json({"kind": "month", "month": "2022-08"}).describe() == "Trong tháng 8/2022"
    assert Deadline.from_json({"kind": "date", "date": "2022-06-30"}).describe() == "Hạn 30/06/2022"
    assert Deadline(kind="recurring", rrule="FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=15",
                    start=dt.date(2021, 1, 1)).describe() == "Hằng năm, trước ngày 15/12"
    assert Deadline(kind="ongoing", text="Thường xuyên").describe() == "Thường xuyên"
    written = Deadline.from_json({"kind": "month", "month": "2022-08", "text": "Đảm bảo hoàn thành trong tháng 8/2022"})
    assert written.describe() == "Đảm bảo hoàn thành trong tháng 8/2022"


@pytest.mark.parametrize("data", [
    {"kind": "date", "date": "2022-06-30"},
    {"kind": "month", "month": "2022-08", "text": "trong tháng 8/2022"},
    {"kind": "recurring", "rrule": "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=15", "start": "2021-01-01", "end": "2030-12-31"},
    {"kind": "recurring", "rrule": "FREQ=YEARLY;BYMONTH=3,6,9,12;BYMONTHDAY=20", "start": "2022-01-01", "end": None},
    {"kind": "recurring", "rrule": "FREQ=WEEKLY;BYDAY=FR", "start": "2022-01-01", "end": None},
    {"kind": "ongoing"},
    {"kind": "ongoing", "report": {"rrule": "FREQ=MONTHLY;BYMONTHDAY=25", "start": "2022-06-01", "end": None}},
])
def test_the_form_fields_rebuild_every_deadline_the_api_accepts(data):
    deadline = Deadline.from_json(data)
    assert deadline_from_form(deadline_to_form(deadline)) == deadline
    assert Deadline.from_json(deadline.to_json()) == deadline


def test_the_form_needs_the_parts_of_the_chosen_kind():
    with pytest.raises(DeadlineError) as error:
        deadline_from_form({"kind": "recurring", "recurrence": "yearly", "day": 15})
    assert set(error.value.fields) == {"month_of_year"}
    with pytest.raises(DeadlineError) as error:
        deadline_from_form({"kind": "date"})
    assert set(error.value.fields) == {"date"}

"""Ranking agencies: rate first, then fewer overdue tasks, then the name in Vietnamese order."""

import unicodedata

from coordination.reports.model import AgencyFigures
from coordination.reports.ranking import rank_agencies, vietnamese_key


def names(entries):
    return [(entry.rank, entry.figures.agency_name) for entry in entries]


def test_higher_on_time_rate_ranks_first():
    rows = [
        AgencyFigures("Sở A", on_time=1, late=1),  # 50 %
        AgencyFigures("Sở B", on_time=9, late=1),  # 90 %
        AgencyFigures("Sở C", on_time=3, late=1),  # 75 %
    ]
    assert names(rank_agencies(rows)) == [(1, "Sở B"), (2, "Sở C"), (3, "Sở A")]


def test_equal_rates_are_ordered_by_fewer_overdue_tasks():
    rows = [
        AgencyFigures("Sở A", on_time=2, overdue=2, overdue_days_total=4),  # 50 %, 2 overdue
        AgencyFigures("Sở B", on_time=1, late=1),                          # 50 %, 0 overdue
        AgencyFigures("Sở C", on_time=1, overdue=1, overdue_days_total=1),  # 50 %, 1 overdue
    ]
    assert names(rank_agencies(rows)) == [(1, "Sở B"), (2, "Sở C"), (3, "Sở A")]


def test_full_ties_share_a_rank_and_are_listed_in_vietnamese_alphabetical_order():
    rows = [
        AgencyFigures("Ủy ban nhân dân huyện Văn Lâm", on_time=1, late=1),
        AgencyFigures("Sở Y tế", on_time=2, late=2),
        AgencyFigures("Sở Tài chính", on_time=3, late=3),
        AgencyFigures("Đài Phát thanh và Truyền hình", on_time=1),
    ]
    assert names(rank_agencies(rows)) == [
        (1, "Đài Phát thanh và Truyền hình"),
        (2, "Sở Tài chính"),
        (2, "Sở Y tế"),
        (2, "Ủy ban nhân dân huyện Văn Lâm"),
    ]


def test_agencies_with_nothing_due_come_last_sharing_one_rank():
    rows = [
        AgencyFigures("Sở A", within=4),
        AgencyFigures("Sở B", on_time=0, late=1),  # 0 % but rated
        AgencyFigures("Sở C", within=1),
    ]
    assert names(rank_agencies(rows)) == [(1, "Sở B"), (2, "Sở A"), (2, "Sở C")]


def test_the_report_ranking_is_derived_from_its_rows(report):
    ranked = [entry.figures for entry in report.ranking]
    assert sorted(ranked, key=lambda f: f.agency_name) == sorted(report.agencies, key=lambda f: f.agency_name)
    rates = [f.on_time_rate for f in ranked if f.on_time_rate is not None]
    assert rates == sorted(rates, reverse=True)


def test_vietnamese_order_puts_letters_with_marks_after_their_base_letter():
    words = ["Ủy ban", "Sở Y tế", "Đồng Nai", "Dương", "Ân Thi", "An Giang", "Ăn", "ưu", "Út", "Sở Tư pháp", "Sở Tài chính"]
    assert sorted(words, key=vietnamese_key) == [
        "An Giang", "Ăn", "Ân Thi", "Dương", "Đồng Nai", "Sở Tài chính", "Sở Tư pháp", "Sở Y tế", "Út", "Ủy ban", "ưu",
    ]


def test_vietnamese_order_ignores_case_and_normalisation():
    nfd = unicodedata.normalize("NFD", "Sở Lao động")
    assert vietnamese_key(nfd)[:2] == vietnamese_key("sở lao động")[:2]

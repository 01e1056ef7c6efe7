"""Dashboard charts: well-formed SVG, a link on every bar and point, accessible names, fixed colours."""

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from coordination.reports import charts
from coordination.reports.model import LATE, ON_TIME, OVERDUE, TIMELINESS, WITHIN, AgencyFigures, MonthPoint

NS = {"svg": charts.SVG_NS}


def agency_url(figures, timeliness):
    return f"/tasks?agency={figures.agency_code}&timeliness={timeliness}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # raises on anything not well-formed


def test_one_linked_segment_per_non_empty_class_with_its_count(report):
    root = parse(charts.timeliness_by_agency(report.agencies, agency_url))
    links = root.findall(".//svg:a", NS)
    expected = [(f, t) for f in report.agencies for t in TIMELINESS if f.count(t)]
    assert len(links) == len(expected)
    for link, (figures, timeliness) in zip(links, expected):
        assert link.get("href") == agency_url(figures, timeliness)
        rect = link.find("svg:rect", NS)
        assert rect.get("data-timeliness") == timeliness
        assert rect.get("data-count") == str(figures.count(timeliness))
        assert rect.get("fill") == charts.COLOURS[timeliness]
        title = link.find("svg:title", NS).text
        assert figures.agency_name in title and str(figures.count(timeliness)) in title
        assert link.get("aria-label") == title


def test_colours_are_green_amber_blue_red():
    assert charts.COLOURS == {ON_TIME: "#2e7d32", LATE: "#f0a500", WITHIN: "#1565c0", OVERDUE: "#c62828"}


def test_segments_are_proportional_to_the_counts(report):
    root = parse(charts.timeliness_by_agency(report.agencies, agency_url))
    widths = {}
    for link in root.findall(".//svg:a", NS):
        rect = link.find("svg:rect", NS)
        widths.setdefault(int(rect.get("data-count")), set()).add(round(float(rect.get("width")), 0))
    per_task = {w / count for count, ws in widths.items() for w in ws}
    assert max(per_task) - min(per_task) < 0.5


def test_the_chart_has_an_accessible_title_and_description(report):
    root = parse(charts.timeliness_by_agency(report.agencies, agency_url, id_prefix="c1"))
    assert root.get("role") == "img" and root.get("aria-labelledby") == "c1-title c1-desc"
    assert root.find("svg:title", NS).get("id") == "c1-title"
    assert str(report.total.assigned) in root.find("svg:desc", NS).text


def test_names_and_urls_are_escaped():
    rows = [AgencyFigures('Sở <Tài> "chính" & Co', on_time=2, overdue=1, overdue_days_total=1, agency_code="STC")]
    svg = charts.timeliness_by_agency(rows, lambda f, t: f"/tasks?a=1&b={t}")
    root = parse(svg)
    assert "&amp;b=" in svg
    assert root.find(".//svg:a", NS).get("href") == f"/tasks?a=1&b={ON_TIME}"
    assert any('Sở <Tài> "chính" & Co' == el.text for el in root.iter(f"{{{charts.SVG_NS}}}text"))


def test_no_tasks_draws_a_message_and_no_links():
    root = parse(charts.timeliness_by_agency([AgencyFigures("Sở Y tế")], agency_url))
    assert root.findall(".//svg:a", NS) == []
    assert any("Chưa có nhiệm vụ" in (el.text or "") for el in root.iter(f"{{{charts.SVG_NS}}}text"))


def trend_points():
    return [MonthPoint(dt.date(2026, m, 1), completed=m * 2, overdue=(m * 3) % 7) for m in range(1, 7)]


def trend_url(point, series):
    return f"/tasks?month={point.month:%Y-%m}&series={series}"


def test_trend_bars_and_points_link_to_their_month(report):
    points = trend_points()
    root = parse(charts.monthly_trend(points, trend_url))
    bars = root.findall("svg:g[@class='completed']/svg:a", NS)
    dots = root.findall("svg:g[@class='overdue']/svg:a", NS)
    assert [a.get("href") for a in bars] == [trend_url(p, "completed") for p in points]
    assert [a.get("href") for a in dots] == [trend_url(p, "overdue") for p in points]
    assert [a.find("svg:rect", NS).get("data-count") for a in bars] == [str(p.completed) for p in points]
    assert [a.find("svg:circle", NS).get("data-count") for a in dots] == [str(p.overdue) for p in points]
    assert bars[0].get("aria-label") == "Tháng 01/2026: hoàn thành 2 nhiệm vụ"
    assert root.find("svg:g[@class='overdue']/svg:polyline", NS).get("stroke") == charts.COLOURS[OVERDUE]
    month_labels = [el.text for el in root.iter(f"{{{charts.SVG_NS}}}text")]
    assert "06/2026" in month_labels


def test_taller_bars_for_more_completions():
    root = parse(charts.monthly_trend(trend_points(), trend_url))
    heights = [float(a.find("svg:rect", NS).get("height")) for a in root.findall("svg:g[@class='completed']/svg:a", NS)]
    assert heights == sorted(heights) and heights[0] < heights[-1]


def test_an_empty_trend_is_still_a_valid_chart():
    root = parse(charts.monthly_trend([], trend_url))
    assert root.findall(".//svg:a", NS) == []


@pytest.mark.parametrize(("value", "ceiling"), [(0, 1), (1, 1), (7, 8), (23, 25), (25, 25), (26, 30), (97, 100),
                                                 (1200, 1500)])
def test_axis_maximum_is_a_round_number_close_above_the_data(value, ceiling):
    assert charts.nice_ceiling(value) == ceiling

"""Dashboard charts drawn on the server as SVG: no JavaScript, printable, readable by screen readers.

Every bar, segment and point is a link to the tasks behind it; the caller gives the URLs (this
module knows no routes). Colours are fixed across the application: on time green, late amber,
open within deadline blue, overdue red. Each chart carries a ``<title>``/``<desc>`` named by
``aria-labelledby``, and each link an ``aria-label`` and a tooltip saying what it counts.

The SVG is built with ElementTree, so names typed by users are escaped and the output is always
well-formed; it has no XML declaration and can be inlined in a page (``${structure: svg}``).
"""

from __future__ import annotations

import math
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence

from .model import LATE, ON_TIME, OVERDUE, TIMELINESS, TIMELINESS_LABELS, WITHIN, AgencyFigures, MonthPoint

SVG_NS = "http://www.w3.org/2000/svg"

COLOURS = {ON_TIME: "#2e7d32", LATE: "#f0a500", WITHIN: "#1565c0", OVERDUE: "#c62828"}
# text drawn on a segment: white on the dark colours, near-black on amber (contrast ≥ 4.5:1)
TEXT_ON = {ON_TIME: "#ffffff", LATE: "#1a1a1a", WITHIN: "#ffffff", OVERDUE: "#ffffff"}
COMPLETED_COLOUR = COLOURS[ON_TIME]
OVERDUE_COLOUR = COLOURS[OVERDUE]
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', 'DejaVu Sans', sans-serif"


def _el(parent, tag: str, text: str | None = None, **attrs) -> ET.Element:
    element = ET.SubElement(parent, tag, {k.rstrip("_").replace("_", "-"): str(v) for k, v in attrs.items()})
    if text is not None:
        element.text = text
    return element


def _svg(width: int, height: int, title: str, desc: str, id_prefix: str) -> ET.Element:
    svg = ET.Element("svg", {
        "xmlns": SVG_NS, "width": str(width), "height": str(height), "viewBox": f"0 0 {width} {height}",
        "role": "img", "aria-labelledby": f"{id_prefix}-title {id_prefix}-desc",
        "font-family": FONT, "font-size": "12", "class": "chart",
    })
    _el(svg, "title", title, id=f"{id_prefix}-title")
    _el(svg, "desc", desc, id=f"{id_prefix}-desc")
    return svg


def _link(parent, href: str, label: str) -> ET.Element:
    link = _el(parent, "a", href=href, aria_label=label)
    _el(link, "title", label)
    return link


_NICE_STEPS = (1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10)


def nice_ceiling(value: float) -> int:
    """The axis maximum: the smallest whole number of the form s × 10ⁿ (s in 1, 1.5, 2, 2.5, 3,
    4, 5, 6, 8) that is at least ``value`` (and at least 1), so bars fill most of the plot."""
    if value <= 1:
        return 1
    magnitude = 10 ** math.floor(math.log10(value))
    for step in _NICE_STEPS:
        candidate = step * magnitude
        if candidate >= value and float(candidate).is_integer():
            return int(candidate)
    return int(10 * magnitude)  # pragma: no cover - 10 × magnitude always qualifies


def _ticks(maximum: int, count: int = 5) -> list[int]:
    step = max(1, math.ceil(maximum / count))
    return list(range(0, maximum + 1, step))


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _legend(svg, x: float, y: float, entries: Sequence[tuple[str, str]], right: float | None = None) -> float:
    """Draw the legend from (x, y), wrapping before ``right``; return the baseline of its last line."""
    group = _el(svg, "g", class_="legend")
    start = x
    for label, colour in entries:
        width = 28 + 7.2 * len(label)
        if right is not None and x > start and x + width - 12 > right:
            x, y = start, y + 18
        _el(group, "rect", x=x, y=y - 10, width=12, height=12, fill=colour)
        _el(group, "text", label, x=x + 16, y=y)
        x += width
    return y


def timeliness_by_agency(rows: Sequence[AgencyFigures], url_for: Callable[[AgencyFigures, str], str], *,
                         title: str = "Tình hình thực hiện nhiệm vụ theo cơ quan",
                         width: int = 820, id_prefix: str = "timeliness") -> str:
    """Horizontal stacked bars, one per agency, split into the four timeliness classes.

    ``url_for(figures, timeliness)`` gives the link of each segment (e.g. the task list filtered
    to that agency and class). Segments of zero tasks are not drawn.
    """
    label_width, bar_height, gap = 270, 20, 10
    legend = [(TIMELINESS_LABELS[t], COLOURS[t]) for t in TIMELINESS]
    # the legend's lines (it wraps on a narrow chart) decide where the bars start
    probe = ET.Element("svg")
    top = _legend(probe, 10, 18, legend, width - 10) + 38
    height = top + max(len(rows), 1) * (bar_height + gap) + 30
    total = sum(r.assigned for r in rows)
    svg = _svg(width, height, title,
               f"Số nhiệm vụ của {len(rows)} cơ quan chủ trì, {total} nhiệm vụ, chia theo bốn tình trạng: "
               + ", ".join(TIMELINESS_LABELS[t].lower() for t in TIMELINESS) + ".", id_prefix)
    _legend(svg, 10, 18, legend, width - 10)
    if not rows or not total:
        _el(svg, "text", "Chưa có nhiệm vụ trong phạm vi này.", x=label_width, y=top + 14)
        return ET.tostring(svg, encoding="unicode")
    plot_width = width - label_width - 20
    maximum = nice_ceiling(max(r.assigned for r in rows))
    scale = plot_width / maximum
    axis = _el(svg, "g", class_="axis", fill="#555555")
    bottom = top + len(rows) * (bar_height + gap)
    for tick in _ticks(maximum):
        x = label_width + tick * scale
        _el(axis, "line", x1=f"{x:.1f}", y1=top - 6, x2=f"{x:.1f}", y2=bottom, stroke="#dddddd")
        _el(axis, "text", str(tick), x=f"{x:.1f}", y=bottom + 16, text_anchor="middle")
    for index, row in enumerate(rows):
        y = top + index * (bar_height + gap)
        group = _el(svg, "g", class_="agency")
        _el(group, "text", _shorten(row.agency_name, 36), x=label_width - 8, y=y + 14, text_anchor="end")
        x = label_width
        for timeliness in TIMELINESS:
            count = row.count(timeliness)
            if not count:
                continue
            segment = count * scale
            label = f"{row.agency_name}: {TIMELINESS_LABELS[timeliness].lower()} {count} nhiệm vụ"
            link = _link(group, url_for(row, timeliness), label)
            _el(link, "rect", x=f"{x:.1f}", y=y, width=f"{segment:.1f}", height=bar_height,
                fill=COLOURS[timeliness], data_timeliness=timeliness, data_count=count)
            if segment >= 18:
                _el(link, "text", str(count), x=f"{x + segment / 2:.1f}", y=y + 14, text_anchor="middle",
                    fill=TEXT_ON[timeliness])
            x += segment
    return ET.tostring(svg, encoding="unicode")


def month_label(point: MonthPoint, short: bool = False) -> str:
    """``06/2026``, or ``06/26`` where the months stand close together."""
    year = point.month.year % 100 if short else point.month.year
    return f"{point.month.month:02d}/{year:02d}" if short else f"{point.month.month:02d}/{year}"


def monthly_trend(points: Sequence[MonthPoint], url_for: Callable[[MonthPoint, str], str], *,
                  title: str = "Nhiệm vụ hoàn thành và quá hạn theo tháng",
                  width: int = 820, height: int = 300, id_prefix: str = "trend") -> str:
    """Bars of tasks completed per month with a line of tasks overdue at each month's end.

    ``url_for(point, series)`` with series ``"completed"`` or ``"overdue"`` gives each bar's and
    each point's link.
    """
    left, right, top, bottom_margin = 48, 16, 40, 36
    svg = _svg(width, height, title,
               f"{len(points)} tháng: số nhiệm vụ hoàn thành trong tháng (cột xanh) và số nhiệm vụ quá hạn "
               f"cuối tháng (đường đỏ).", id_prefix)
    _legend(svg, left, 18, [("Hoàn thành trong tháng", COMPLETED_COLOUR), ("Quá hạn cuối tháng", OVERDUE_COLOUR)])
    if not points:
        _el(svg, "text", "Chưa có số liệu.", x=left, y=top + 20)
        return ET.tostring(svg, encoding="unicode")
    plot_height = height - top - bottom_margin
    plot_width = width - left - right
    maximum = nice_ceiling(max(max(p.completed, p.overdue) for p in points))
    scale = plot_height / maximum
    base = top + plot_height
    slot = plot_width / len(points)
    axis = _el(svg, "g", class_="axis", fill="#555555")
    for tick in _ticks(maximum):
        y = base - tick * scale
        _el(axis, "line", x1=left, y1=f"{y:.1f}", x2=width - right, y2=f"{y:.1f}", stroke="#dddddd")
        _el(axis, "text", str(tick), x=left - 6, y=f"{y + 4:.1f}", text_anchor="end")
    bars = _el(svg, "g", class_="completed")
    centres = []
    for index, point in enumerate(points):
        centre = left + slot * (index + 0.5)
        centres.append(centre)
        bar_width = min(slot * 0.6, 48)
        bar_height = point.completed * scale
        label = f"Tháng {month_label(point)}: hoàn thành {point.completed} nhiệm vụ"
        link = _link(bars, url_for(point, "completed"), label)
        _el(link, "rect", x=f"{centre - bar_width / 2:.1f}", y=f"{base - bar_height:.1f}",
            width=f"{bar_width:.1f}", height=f"{max(bar_height, 0.5):.1f}", fill=COMPLETED_COLOUR,
            data_count=point.completed)
        _el(axis, "text", month_label(point, short=slot < 60), x=f"{centre:.1f}", y=base + 16, text_anchor="middle")
    line = _el(svg, "g", class_="overdue")
    coordinates = " ".join(f"{c:.1f},{base - p.overdue * scale:.1f}" for c, p in zip(centres, points))
    _el(line, "polyline", points=coordinates, fill="none", stroke=OVERDUE_COLOUR, stroke_width=2)
    for centre, point in zip(centres, points):
        label = f"Tháng {month_label(point)}: {point.overdue} nhiệm vụ quá hạn cuối tháng"
        link = _link(line, url_for(point, "overdue"), label)
        _el(link, "circle", cx=f"{centre:.1f}", cy=f"{base - point.overdue * scale:.1f}", r=5,
            fill=OVERDUE_COLOUR, stroke="#ffffff", stroke_width=1.5, data_count=point.overdue)
    return ET.tostring(svg, encoding="unicode")

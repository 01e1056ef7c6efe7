"""Task tables ("Phụ lục phân công nhiệm vụ"): rows of STT | Nội dung | Cơ quan chủ trì |
Cơ quan phối hợp | Thời gian hoàn thành, as text with ``|`` between cells (markdown or HTML
extraction). A table counts only if its header names a task column and a lead column; section
rows ("I | Công tác tuyên truyền | | |") prefix the paragraph labels of the rows under them.
Tables extracted from PDF without cell separators are not recognised.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .model import Deadline, ParsedTask
from .text import MText, fold

RE_SEPARATOR = re.compile(r"^[\s|:\-=+]+$")
COLUMNS = {
    "stt": re.compile(r"^(?:stt|tt|so\s+tt|so\s+thu\s+tu)$"),
    "coord": re.compile(r"phoi\s+hop"),
    "lead": re.compile(r"chu\s+tri|co\s+quan\s+thuc\s+hien|don\s+vi\s+thuc\s+hien|trach\s+nhiem|co\s+quan|don\s+vi"),
    "deadline": re.compile(r"thoi\s+gian|thoi\s+han|tien\s+do|hoan\s+thanh|^han\b"),
    "task": re.compile(r"noi\s+dung|nhiem\s+vu|cong\s+viec|hoat\s+dong|giai\s+phap|^ten\b"),
}
RE_ROMAN = re.compile(r"^(?:[IVX]+|[A-Z])\.?$")


@dataclass
class Table:
    first: int          # line indexes in the layout
    last: int
    rows: list[list[MText]]


def _cells(line: MText) -> list[MText]:
    out, start = [], 0
    for k, ch in enumerate(line.s):
        if ch == "|":
            out.append(line[start:k].strip())
            start = k + 1
    out.append(line[start:].strip())
    return out


def find_tables(lines: list[MText], start: int, end: int) -> list[Table]:
    tables: list[Table] = []
    i = start
    while i < end:
        if lines[i].s.count("|") >= 1 and not RE_SEPARATOR.match(lines[i].s):
            j = i
            rows = []
            while j < end and (lines[j].s.count("|") >= 1 or not lines[j].s.strip()):
                if lines[j].s.strip() and not RE_SEPARATOR.match(lines[j].s):
                    rows.append(_cells(lines[j]))
                j += 1
            if len(rows) >= 2:
                tables.append(Table(i, j, rows))
            i = j
        else:
            i += 1
    return tables


def _columns(header: list[MText]) -> dict[str, int]:
    cols: dict[str, int] = {}
    for k, cell in enumerate(header):
        f = " ".join(fold(cell.s).lower().split())
        for name in ("stt", "coord", "lead", "deadline", "task"):
            if name not in cols and COLUMNS[name].search(f):
                if name == "lead" and COLUMNS["coord"].search(f):
                    continue
                cols[name] = k
                break
    return cols


def table_tasks(table: Table, reader) -> list[ParsedTask]:
    """Tasks from one table; ``reader`` is the TaskReader (agencies, deadlines, summaries)."""
    cols = _columns(table.rows[0])
    if "task" not in cols or "lead" not in cols:
        return []
    out: list[ParsedTask] = []
    section = None
    for row in table.rows[1:]:
        if len(row) <= max(cols.values()):
            continue
        label = row[cols["stt"]].s.strip(" .") if "stt" in cols else None
        task_text = row[cols["task"]]
        lead_cell = row[cols["lead"]]
        if not lead_cell.s.strip():
            if label and RE_ROMAN.match(label):
                section = label
            continue
        leads = reader.cell_agencies(lead_cell)
        if not leads or not task_text.s.strip():
            continue
        coord = reader.cell_agencies(row[cols["coord"]]) if "coord" in cols else []
        deadline = cell_deadline(row[cols["deadline"]], reader) if "deadline" in cols else Deadline()
        paragraph = ".".join(x for x in (section, label) if x) or None
        marker = row[cols["stt"]].span() if "stt" in cols and row[cols["stt"]].s else None
        whole = MText.join(" | ", row)
        out.extend(reader._make(paragraph, marker, leads, coord, task_text.s.strip(" .;"), deadline, whole.span()))
    return out


def cell_deadline(cell: MText, reader) -> Deadline:
    """A deadline cell holds bare time words ("Quý II/2023", "30/6/2023", "Hằng năm")."""
    if not cell.s.strip():
        return Deadline()
    d = reader.deadline(cell)
    if d.kind:
        return d
    anchor = cell.a[0] if cell.a else 0
    for prefix in ("trong ", "trước ngày "):
        pre = MText(prefix, [anchor] * len(prefix), [anchor] * len(prefix))
        d = reader.deadline(MText.join("", [pre, cell]))
        if d.kind:
            d.text = cell.s.strip()
            d.span = cell.span()
            return d
    return Deadline()

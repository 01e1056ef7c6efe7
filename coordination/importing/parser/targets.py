"""Quantitative targets: "Giai đoạn đến năm 2025: … 80% người thất nghiệp được giới thiệu việc làm
miễn phí khi có nhu cầu, trong đó có 60% được giới thiệu việc làm thành công; … Chỉ số đánh giá
mức độ hài lòng … đạt mức 85%".

Read from paragraphs under a "Mục tiêu"/"Chỉ tiêu" heading and from paragraphs that open with
"(Giai đoạn) đến năm YYYY" / "Phấn đấu đến năm YYYY". The year is the nearest "đến năm YYYY"
before the figure in the paragraph, else in its headings.
"""

from __future__ import annotations

import re

from .model import Target
from .structure import Body, Node
from .text import MText, clean, fold

RE_HEADING = re.compile(r"muc\s+tieu|chi\s+tieu", re.I)
RE_OPENING = re.compile(r"^(?:-\s*)?(?:giai\s+doan\s+|phan\s+dau\s+)?(?:den|toi)\s+(?:het\s+)?nam\s+(\d{4})", re.I)
RE_YEAR = re.compile(r"(?:den|toi)\s+(?:het\s+)?nam\s+(\d{4})|nam\s+(\d{4})", re.I)
RE_YEAR_PREFIX = re.compile(r"^(?:giai\s+doan\s+|phan\s+dau\s+)?(?:den|toi)\s+(?:het\s+)?nam\s+\d{4}\s*[:,]?\s*", re.I)
RE_IN_WHICH = re.compile(r"\s*,\s*(?=trong\s+do\b)", re.I)
RE_VALUE_FIRST = re.compile(
    r"^(?:(?:trong\s+do|phan\s+dau|dat|co|khoang|tren|it\s+nhat|toi\s+thieu|tu|bao\s+dam|dam\s+bao)\s+)*"
    r"(\d+(?:[.,]\d+)?)\s*%\s+(\S.*)$",
    re.I,
)
RE_VALUE_LAST = re.compile(
    r"^(.+?)\s+(?:dat|la|tang\s+len|giam\s+xuong(?:\s+duoi)?|duy\s+tri\s+o)(?:\s+(?:muc|ty\s+le|tren|toi\s+thieu|it\s+nhat|khoang|tu))*\s+"
    r"(\d+(?:[.,]\d+)?)\s*%\s*$",
    re.I,
)
RE_CHANGE = re.compile(
    r"^(?:phan\s+dau\s+)?(?:giam|tang|nang)\s+(.+?)\s+(?:xuong|len)\s+(?:(?:duoi|tren|con|muc|khoang)\s+)*"
    r"(\d+(?:[.,]\d+)?)\s*%\s*$",
    re.I,
)
RE_ASIDE = re.compile(r"\s*\((?:sau\s+day|viet\s+tat|goi\s+tat)[^)]*\)", re.I)


def _value(s: str) -> float | int:
    v = float(s.replace(",", "."))
    return int(v) if v.is_integer() else v


def _heading_year(node: Node) -> int | None:
    n = node.parent
    while n is not None and n.style is not None:
        m = RE_YEAR.search(fold(n.text.s))
        if m:
            return int(m.group(1) or m.group(2))
        n = n.parent
    return None


def _under_target_heading(node: Node) -> bool:
    n: Node | None = node
    while n is not None and n.style is not None:
        if RE_HEADING.search(fold(n.text.s)) and n.heading_like():
            return True
        n = n.parent
    return False


def find_targets(body: Body) -> list[Target]:
    out: list[Target] = []
    for node in sorted(body.nodes, key=lambda n: n.index):
        f = fold(node.text.s)
        if not (_under_target_heading(node) or RE_OPENING.match(f)):
            continue
        out.extend(_targets_in(node.text, _heading_year(node)))
    return out


def _targets_in(mt: MText, year: int | None) -> list[Target]:
    s, f = mt.s, fold(mt.s)
    out: list[Target] = []
    pos = 0
    for piece in re.split(r"(;|\.\s)", f):
        start, end = pos, pos + len(piece)
        pos = end
        if piece in (";", ". ") or "%" not in piece:
            m = RE_YEAR.search(piece)
            if m and "%" not in piece:
                year = int(m.group(1) or m.group(2))
            continue
        head = RE_YEAR_PREFIX.match(piece.strip())
        ym = RE_YEAR.search(piece)
        if ym and (head or ym.start() < piece.find("%")):
            year = int(ym.group(1) or ym.group(2))
        lead = len(piece) - len(piece.lstrip())
        cstart = start + lead + (head.end() if head else 0)
        sub_pos = cstart
        for sub in RE_IN_WHICH.split(f[cstart:end]):
            sub_start = f.find(sub, sub_pos)
            sub_pos = sub_start + len(sub)
            t = _one(s, f, sub_start, sub_start + len(sub.rstrip(" ,.")), year, mt)
            if t:
                out.append(t)
    return out


def _one(s: str, f: str, i: int, j: int, year: int | None, mt: MText) -> Target | None:
    text_f = f[i:j]
    m = RE_CHANGE.match(text_f)
    if m:
        ind = s[i + m.start(1):i + m.end(1)]
        value = _value(m.group(2))
        return Target(indicator=clean(_drop_aside(ind)), value=value, unit="%", year=year, span=mt.span(i, j))
    m = RE_VALUE_FIRST.match(text_f)
    if m:
        ind = s[i + m.start(2):j]
        value = _value(m.group(1))
    else:
        m = RE_VALUE_LAST.match(text_f)
        if not m:
            return None
        ind = s[i:i + m.end(1)]
        value = _value(m.group(2))
    ind = clean(_drop_aside(ind))
    if not ind:
        return None
    return Target(indicator=ind, value=value, unit="%", year=year, span=mt.span(i, j))


def _drop_aside(ind: str) -> str:
    f = fold(ind)
    m = RE_ASIDE.search(f)
    while m:
        ind = ind[:m.start()] + ind[m.end():]
        f = f[:m.start()] + f[m.end():]
        m = RE_ASIDE.search(f)
    return ind

"""Documents a directive cites: "Quyết định số 08/2022/QĐ-TTg ngày 28/3/2022 của Thủ tướng
Chính phủ", "Công văn số 2558/LĐTBXH-VP ngày 05/8/2021 của Bộ …", "văn bản số 2307/…",
"ngày 20 tháng 5 năm 2020" long dates, references without a date or an issuer.

Deduplicated by number (a later mention fills what an earlier one lacked). When no issuer is
written, a national one is read from the symbol (TTg → Thủ tướng Chính phủ, CP → Chính phủ,
QH → Quốc hội, VPCP → Văn phòng Chính phủ).
"""

from __future__ import annotations

import re
from datetime import date

from .agencies import Recognizer
from .model import Reference
from .text import MText, clean, fold, key

TYPES = {
    "quyet dinh": "Quyết định", "cong van": "Công văn", "cong dien": "Công điện", "nghi quyet": "Nghị quyết",
    "nghi quyet lien tich": "Nghị quyết liên tịch", "ke hoach": "Kế hoạch", "chi thi": "Chỉ thị",
    "thong bao": "Thông báo", "thong bao ket luan": "Thông báo kết luận", "thong tu": "Thông tư",
    "thong tu lien tich": "Thông tư liên tịch", "nghi dinh": "Nghị định",
    "chuong trinh hanh dong": "Chương trình hành động", "chuong trinh": "Chương trình", "huong dan": "Hướng dẫn",
    "bao cao": "Báo cáo", "to trinh": "Tờ trình", "van ban": "Công văn", "phap lenh": "Pháp lệnh",
    "quy dinh": "Quy định", "de an": "Đề án", "luat": "Luật", "ket luan": "Kết luận", "cong thu": "Công thư",
}
_TYPE = "|".join(sorted((t.replace(" ", r"\s+") for t in TYPES), key=len, reverse=True))
_NUM = r"(\d+-[A-Z]{1,4}/[A-Za-z]{1,6}|\d+[A-Za-z]?(?:\s*/\s*\d{4})?\s*/\s*[A-Z][A-Za-z0-9&]*(?:\.[A-Za-z0-9&]+)*(?:-[A-Za-z0-9&]+(?:\.[A-Za-z0-9&]+)*)*)"
_DATE = (r"(?:\s*,?\s*(?i:ngay)\s+(?:(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})"
         r"|(\d{1,2})\s+(?i:thang)\s+(\d{1,2})\s+(?i:nam)\s+(\d{4})))?")
RE_REF = re.compile(rf"(?<!\w)(?i:({_TYPE}))\s+(?:(?i:so)\s*:?\s*)?{_NUM}(?![\w/]){_DATE}")
RE_BARE = re.compile(rf"(?<!\w)(?i:so)\s+{_NUM}(?![\w/]){_DATE}")
RE_OF = re.compile(r"\s*,?\s*(?:cua|do)\s+", re.I)
NATIONAL = re.compile(
    r"(?:thu\s+tuong\s+chinh\s+phu|van\s+phong\s+chinh\s+phu|chinh\s+phu|uy\s+ban\s+thuong\s+vu\s+quoc\s+hoi|quoc\s+hoi|"
    r"bo\s+chinh\s+tri|ban\s+bi\s+thu|ban\s+chap\s+hanh\s+trung\s+uong(?:\s+dang)?|(?:ban\s+thuong\s+vu\s+)?tinh\s+uy|"
    r"(?:hoi\s+dong\s+nhan\s+dan|hdnd)\s+tinh|chu\s+tich\s+(?:uy\s+ban\s+nhan\s+dan|ubnd)\s+tinh)(?![\w])",
    re.I,
)
SYMBOL_ISSUERS = {"TTG": "Thủ tướng Chính phủ", "CP": "Chính phủ", "VPCP": "Văn phòng Chính phủ",
                  "UBTVQH": "Ủy ban Thường vụ Quốc hội", "BCT": "Bộ Chính trị"}


def _date(g: tuple) -> date | None:
    parts = g[0:3] if g[0] else g[3:6]
    if not parts[0]:
        return None
    try:
        return date(int(parts[2]), int(parts[1]), int(parts[0]))
    except ValueError:
        return None


def _symbol_issuer(number: str) -> str | None:
    parts = [p for p in re.split(r"[-/]", fold(number).upper()) if p and not p.isdigit()]
    for p in parts[1:]:
        if p in SYMBOL_ISSUERS:
            return SYMBOL_ISSUERS[p]
        if re.fullmatch(r"QH\d*", p):
            return "Quốc hội"
    return None


def find_references(mt: MText, recognizer: Recognizer, own_number: str | None = None) -> list[Reference]:
    """References in ``mt`` (flattened text), in order of first mention, deduplicated."""
    s, f = mt.s, fold(mt.s)
    out: dict[str, Reference] = {}
    own = key(own_number) if own_number else None
    for m in RE_REF.finditer(f):
        number = re.sub(r"\s+", "", s[m.start(2):m.end(2)]).rstrip(".")
        k = key(number)
        if k == own:
            continue
        typ = TYPES.get(" ".join(m.group(1).lower().split()))
        when = _date(m.groups()[2:8])
        issuer = _issuer(s, f, m.end(), recognizer) or _symbol_issuer(number)
        ref = out.get(k)
        if ref is None:
            out[k] = Reference(number=number, type=typ, date=when, issuer=issuer, span=mt.span(m.start(), m.end()))
        else:
            ref.date = ref.date or when
            ref.issuer = ref.issuer or issuer
            ref.type = ref.type or typ
    return list(out.values())


def _issuer(s: str, f: str, pos: int, recognizer: Recognizer) -> str | None:
    of = RE_OF.match(f, pos)
    if not of:
        return None
    start = of.end()
    n = NATIONAL.match(f, start)
    a = None if n else recognizer.match_at(f, s, start)
    end = max(n.end() if n else 0, a.end if a and a.kind != "tail" else 0)
    if end <= start:
        return None
    return clean(s[start:end])


def reference_spans(f: str) -> list[tuple[int, int]]:
    """Local spans of citations in folded text, so their dates are not read as deadlines."""
    if "/" not in f:
        return []
    return [(m.start(), m.end()) for rx in (RE_REF, RE_BARE) for m in rx.finditer(f)]

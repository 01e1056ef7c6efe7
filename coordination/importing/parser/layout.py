"""The page around a directive's body: where the header, the addressees ("Kính gửi"), the body,
the copy list ("Nơi nhận") and the signature are, and a forwarded document appended after the
signature (cut off). Works on the normalised lines and their folded form, so "Số", "*Số*" and
OCR's "Noi nhận" are all found, and header fields broken over several lines (web extractions
with ``|`` cells: "Số:\n98/KH-UBND", "Cà\nMau, ngày 13\ntháng 7 năm 2021") are read from the
header zone as one text.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field

from .text import MText, clean, flatten, fold

TYPES = {
    "KE HOACH": "Kế hoạch", "CHI THI": "Chỉ thị", "CONG DIEN": "Công điện", "QUYET DINH": "Quyết định",
    "THONG BAO": "Thông báo", "CONG VAN": "Công văn", "NGHI QUYET": "Nghị quyết", "BAO CAO": "Báo cáo",
    "HUONG DAN": "Hướng dẫn", "CHUONG TRINH": "Chương trình", "CHUONG TRINH HANH DONG": "Chương trình hành động",
    "TO TRINH": "Tờ trình", "DE AN": "Đề án", "PHUONG AN": "Phương án", "KET LUAN": "Kết luận",
    "QUY CHE": "Quy chế", "THONG TU": "Thông tư",
}
# the first part of a symbol that names the document type ("15/CT-UBND")
RE_TITLE = re.compile(r"^(" + "|".join(sorted(TYPES, key=len, reverse=True)) + r")(?:\s+(?:KHAN|HOA TOC|THUONG KHAN))?$")
RE_NUMBER = re.compile(
    r"\bSo\s*(?::\s*|\.\s*|\s+(?=\d))(\d+[A-Za-z]?)?\s*/\s*((?:\d{4}\s*/\s*)?[A-Z][A-Za-z0-9&.]*(?:\s*-\s*[A-Za-z0-9&.]+)*)"
)
RE_DATE_LONG = re.compile(
    r"(?:((?:TP\.?\s*|Thanh pho\s+|Thi xa\s+|Huyen\s+)?[A-Z][a-z]+(?:[\s\-]+[A-Z][a-z]+){0,4})\s*,\s*)?"
    r"(?i:ngay)\s*(\d{1,2})?\s*(?i:thang)\s*(\d{1,2})\s*(?i:nam)\s*(\d{4})"
)
RE_DATE_SHORT = re.compile(
    r"((?:TP\.?\s*)?[A-Z][a-z]+(?:[\s\-]+[A-Z][a-z]+){0,4})\s*,\s*ngay\s*(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})"
)
RE_NOI_NHAN = re.compile(r"^N[oO]i\s+nhan\b", re.I)
RE_KINH_GUI = re.compile(r"^Kinh\s+gui\s*:?|^(?:(?:PHO\s+)?(?:CHU TICH|THU TUONG|BO TRUONG|GIAM DOC)\b[A-Z ]*\s+)?dien\s*:\s*(?=$|-)", re.I)
RE_VV = re.compile(r"^V/v\b\s*:?\s*", re.I)
RE_NATIONAL_MOTTO = re.compile(r"CONG\s+HOA\s+XA\s+HOI\s+CHU\s+NGHIA\s+VIET\s+NAM|Doc\s+lap\s*-\s*Tu\s+do\s*-\s*Hanh\s+phuc", re.I)
RE_CAPACITY = re.compile(
    r"^(?:(?:TM|KT|TL|TUQ|Q)\.\s*\S.*|(?:PHO\s+)?(?:CHU TICH|GIAM DOC|CHANH VAN PHONG|BO TRUONG|THU TRUONG|"
    r"THU TUONG|TRUONG BAN|CHU NHIEM|CUC TRUONG|VIEN TRUONG|TONG GIAM DOC|BI THU|TRUONG PHONG)(?:\s*,\s*[A-Z ]+)?)$"
)
# a capacity printed at the end of a copy-list line by a two-column layout ("- Như trên; PHÓ CHỦ TỊCH")
RE_CAPACITY_TAIL = re.compile(
    r"(?:^|(?<=[\s;:,.]))((?:(?:TM|KT|TL|TUQ|Q)\.\s*)?(?:PHO\s+)?(?:CHU TICH|GIAM DOC|CHANH VAN PHONG|BO TRUONG|"
    r"THU TRUONG|THU TUONG|TRUONG BAN|CHU NHIEM|TONG GIAM DOC)(?:\s*,\s*[A-Z]+(?: [A-Z]+)*)?|"
    r"(?:TM|KT|TL|TUQ)\.\s*[A-Z]+(?: [A-Z]+)*)\s*$"
)
RE_BODY_CUE = re.compile(r"^(?:Can\s+cu|Thuc\s+hien|Trien\s+khai|De\s|Truoc|Ngay\s+\d|[IVX]+\.\s|\d+\.\s|-\s)", re.I)
RE_AUTHORITY = re.compile(r"^(?:PHO\s+)?(?:CHU TICH|UY BAN NHAN DAN|BO TRUONG|GIAM DOC|THU TUONG|HOI DONG|BAN CHI DAO)\b.*$")
RE_SUBJECT_STOP = re.compile(r"^(?:(?i:Kinh\s+gui|So\s*:)|Can\s+cu|Thuc\s+hien|[IVX]+\.|\d+\.|[-_=]{3,})")


@dataclass
class Layout:
    lines: list[MText]
    folded: list[str]
    main_end: int
    kinh_gui: int | None = None
    noi_nhan: int | None = None
    title: int | None = None
    body_start: int = 0
    body_end: int = 0
    header_end: int = 0
    recipients_qualifier: str | None = None
    subject: MText | None = None
    recipients: list[MText] = field(default_factory=list)
    zone: MText | None = None
    zone_folded: str = ""


def is_upper_line(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def is_person_name(s: str) -> bool:
    tokens = s.split()
    if not 2 <= len(tokens) <= 6:
        return False
    if fold(s).lower() in {"nhu tren", "noi nhan"}:
        return False
    return all(t.isalpha() and t[0].isupper() and (len(t) == 1 or t[1:].islower()) for t in tokens)


def layout(mt: MText) -> Layout:
    lines = mt.lines()
    folded = [fold(line.s) for line in lines]
    n = len(lines)
    noi_nhan = next((i for i, f in enumerate(folded) if RE_NOI_NHAN.match(f)), None)
    main_end = n
    if noi_nhan is not None:
        for j in range(noi_nhan + 1, n):
            if re.match(r"^So\s*:", folded[j]) or RE_VV.match(folded[j]) or RE_KINH_GUI.match(folded[j]):
                main_end = j
                while main_end > noi_nhan + 1 and (not folded[main_end - 1].strip()
                                                   or RE_NATIONAL_MOTTO.search(folded[main_end - 1])):
                    main_end -= 1
                break
    limit = noi_nhan if noi_nhan is not None else main_end
    lay = Layout(lines=lines, folded=folded, main_end=main_end, noi_nhan=noi_nhan)
    lay.kinh_gui = next((i for i in range(limit) if RE_KINH_GUI.match(folded[i])), None)
    lay.title = next(
        (i for i in range(min(limit, 40)) if lines[i].s and is_upper_line(lines[i].s)
         and RE_TITLE.match(" ".join(folded[i].upper().strip(" :").split()))),
        None,
    )
    zone_end = min(limit, 40)
    for i in range(zone_end):
        f = folded[i]
        if (lay.kinh_gui is not None and i >= lay.kinh_gui) or (lay.title is not None and i >= lay.title):
            zone_end = i
            break
        if len(f.split()) > 25 or RE_BODY_CUE.match(f):
            zone_end = i
            break
    lay.zone = MText.join("\n", lines[:zone_end])
    lay.zone_folded = fold(lay.zone.s)
    starts, acc = [], 0
    for line in lines[:zone_end]:
        starts.append(acc)
        acc += len(line.s) + 1
    header_end = 0
    for rx in (RE_NUMBER, RE_DATE_LONG, RE_DATE_SHORT):
        m = rx.search(lay.zone_folded)
        if m:
            header_end = max(header_end, bisect.bisect_right(starts, m.end() - 1))
    for i in range(zone_end):
        if RE_VV.match(folded[i]):
            header_end = max(header_end, i + 1)
    subject, sub_end = _subject(lay, header_end)
    lay.subject = subject
    body_start = max(header_end, sub_end)
    if lay.kinh_gui is not None and lay.kinh_gui < limit:
        lay.recipients, rec_end, lay.recipients_qualifier = _recipients(lay)
        body_start = max(body_start, rec_end)
    elif lay.title is not None:
        body_start = max(body_start, lay.title + 1)
    lay.header_end = header_end
    lay.body_start = body_start
    body_end = limit
    for i in range(body_start, limit):
        if RE_CAPACITY.match(" ".join(folded[i].split())) and is_upper_line(lines[i].s):
            body_end = i
            break
    lay.body_end = body_end
    return lay


def _subject(lay: Layout, header_end: int) -> tuple[MText | None, int]:
    lines, folded = lay.lines, lay.folded
    start = None
    for i in range(min(len(lines), 40)):
        if RE_VV.match(folded[i]):
            start = i
            first = lines[i][RE_VV.match(folded[i]).end():]
            break
    if start is None and lay.title is not None:
        start = lay.title
        first = None
    if start is None:
        return None, 0
    parts = [first] if first is not None and first.s.strip() else []
    i = start + 1
    while i < len(lines) and not lines[i].s.strip() and not parts:
        i += 1
    upper = None
    while i < len(lines):
        s, f = lines[i].s, folded[i]
        if not s.strip():
            break
        if upper is None:
            upper = is_upper_line(s)
        if (RE_SUBJECT_STOP.match(f) or RE_DATE_LONG.search(f) or RE_DATE_SHORT.search(f)
                or RE_NUMBER.search(f) or RE_AUTHORITY.match(f)
                or (parts and is_upper_line(s) and not upper) or (upper and not is_upper_line(s))):
            break
        parts.append(lines[i])
        i += 1
    if not parts:
        return None, i
    subject = flatten(MText.join(" ", parts)).strip(" .;:")
    subject = subject.sub(re.compile(r"^(?:V/v|Về\s+việc)\s*:?\s*", re.I), "")
    return subject, i


def _recipients(lay: Layout) -> tuple[list[MText], int, str | None]:
    """Addressees after "Kính gửi": inline ("Kính gửi: Sở X.") or a dash list."""
    lines, folded = lay.lines, lay.folded
    k = lay.kinh_gui
    assert k is not None
    rest = lines[k][RE_KINH_GUI.match(folded[k]).end():].strip()
    items: list[list[MText]] = []
    qualifier = None
    inline = rest.s and not rest.s.startswith("-")
    if rest.s:
        if inline:
            items.extend([p] for p in _split(rest, ";"))
        else:
            items.append([rest[1:].strip()])
    i = k + 1
    end = k + 1
    last_raw = rest.s
    blank = False
    while i < lay.main_end:
        s = lines[i].s
        if not s:
            blank = True
            i += 1
            continue
        words = len(s.split())
        if s[0] in "-+•" and not inline:
            items.append([lines[i][1:].strip()])
        elif items and words <= 8 and (s[0].islower() or (
                words <= 4 and not s.endswith(":") and not blank and not last_raw.rstrip().endswith((".", ";")))):
            prev = items[-1][-1].s.rstrip()
            if prev.endswith(",") and s[0].islower():
                qualifier = clean(s)  # ", tỉnh Sóc Trăng." after the list
            else:
                items[-1].append(lines[i])
        else:
            break
        last_raw = s
        blank = False
        i += 1
        end = i
    out = []
    for parts in items:
        item = flatten(MText.join(" ", parts)).strip(" ;,.")
        if item.s:
            out.append(item)
    return out, end, qualifier


def _split(mt: MText, sep: str) -> list[MText]:
    out, start = [], 0
    for k, ch in enumerate(mt.s):
        if ch == sep:
            out.append(mt[start:k].strip(" ;,."))
            start = k + 1
    out.append(mt[start:].strip(" ;,."))
    return [p for p in out if p.s]

"""Header fields: number, place and date, document type, issuer; and the signature block:
signer and copy list. The page layout they read is in :mod:`.layout`.
"""

from __future__ import annotations

import re
from datetime import date

from .layout import (RE_CAPACITY_TAIL, RE_DATE_LONG, RE_DATE_SHORT, RE_KINH_GUI, RE_NATIONAL_MOTTO, RE_NOI_NHAN,
                     RE_NUMBER, RE_TITLE, RE_VV, TYPES, Layout, is_person_name, is_upper_line, layout)
from .model import Signer, Span
from .text import MText, clean, flatten, fold

__all__ = ["layout", "number", "place_and_date", "doc_type", "header_issuer", "signer", "copy_list", "province",
           "infer_issuer"]

SYMBOL_TYPES = {
    "KH": "Kế hoạch", "CT": "Chỉ thị", "CD": "Công điện", "QD": "Quyết định", "TB": "Thông báo",
    "NQ": "Nghị quyết", "BC": "Báo cáo", "HD": "Hướng dẫn", "CTR": "Chương trình", "TTR": "Tờ trình",
    "DA": "Đề án", "PA": "Phương án", "KL": "Kết luận", "TT": "Thông tư",
}
CENTRAL_CITIES = {"ha noi", "ho chi minh", "hai phong", "da nang", "can tho", "hue"}


def number(lay: Layout) -> tuple[str | None, str | None, Span | None]:
    """(number as "1324/UBND-KGVX", symbol "UBND-KGVX", span)."""
    m = RE_NUMBER.search(lay.zone_folded) if lay.zone is not None else None
    if not m:
        return None, None, None
    z = lay.zone
    sym = re.sub(r"\s+", "", z.s[m.start(2):m.end(2)]).rstrip(".")
    num = m.group(1)
    span = z.span(m.start(1) if num else m.start(2), m.end(2))
    return (f"{num}/{sym}" if num else None), sym, span


def place_and_date(lay: Layout) -> tuple[str | None, date | None, Span | None, Span | None]:
    if lay.zone is None:
        return None, None, None, None
    f, z = lay.zone_folded, lay.zone
    m = RE_DATE_LONG.search(f) or RE_DATE_SHORT.search(f)
    if not m:
        return None, None, None, None
    d, mo, y = m.group(2), m.group(3), m.group(4)
    place = clean(z.s[m.start(1):m.end(1)]) if m.group(1) else None
    place_span = z.span(m.start(1), m.end(1)) if m.group(1) else None
    try:
        when = date(int(y), int(mo), int(d)) if d else None
    except ValueError:
        when = None
    date_start = m.end(1) if m.group(1) else m.start()
    date_start += len(f[date_start:m.end()]) - len(f[date_start:m.end()].lstrip(" ,\n"))
    return place, when, place_span, z.span(date_start, m.end())


def doc_type(lay: Layout, symbol: str | None) -> tuple[str | None, Span | None]:
    if lay.title is not None:
        t = " ".join(lay.folded[lay.title].upper().strip(" :").split())
        m = RE_TITLE.match(t)
        return TYPES[m.group(1)], lay.lines[lay.title].span()
    if symbol:
        parts = [p for p in re.split(r"[-/]", fold(symbol).upper()) if p and not p.isdigit()]
        if parts and parts[0] in SYMBOL_TYPES:
            return SYMBOL_TYPES[parts[0]], None
    if symbol or lay.subject is not None or lay.kinh_gui is not None:
        return "Công văn", None
    return None, None


def header_issuer(lay: Layout) -> tuple[str | None, Span | None]:
    """The issuing body from the top-left header lines ("UBND TỈNH KIÊN GIANG / VĂN PHÒNG")."""
    stop = 0
    for i in range(min(len(lay.lines), 14)):
        f = lay.folded[i]
        if (RE_NUMBER.search(f) or re.match(r"^So\s*:", f) or RE_DATE_LONG.search(f) or RE_VV.match(f)
                or RE_KINH_GUI.match(f) or (lay.title is not None and i >= lay.title)):
            break
        stop = i + 1
    if not stop:
        return None, None
    block = MText.join("\n", lay.lines[:stop])
    folded = fold(block.s)
    for m in reversed(list(RE_NATIONAL_MOTTO.finditer(folded))):
        block = MText.join("\n", [block[:m.start()], block[m.end():]])
        folded = fold(block.s)
    parts: list[str] = []
    spans: list[Span] = []
    for line in block.lines():
        text = line.strip(" -_=")
        if not text.s:
            continue
        if not is_upper_line(text.s):
            if parts:
                break
            continue
        t = text.s
        if parts and (re.match(r"^(?:TINH|THANH PHO|HUYEN|QUAN|THI XA|XA|PHUONG)\b", fold(t))
                      or len(t.split()) <= 1
                      or re.search(r"\b(?:BAN|NHAN|DONG|UY|SO|BO|VAN)$", fold(parts[-1]))):
            parts[-1] = parts[-1] + " " + t
        else:
            parts.append(t)
        if text.span():
            spans.append(text.span())
    if not parts:
        return None, None
    return " / ".join(parts), ((spans[0][0], spans[-1][1]) if spans else None)


def signer(lay: Layout) -> Signer:
    start = lay.body_end
    caps: list[tuple[str, Span | None]] = []
    name: tuple[str, Span | None] | None = None
    in_copy = False
    for i in range(start, lay.main_end):
        line = lay.lines[i]
        s, f = line.s, lay.folded[i]
        if not s:
            continue
        tail = RE_CAPACITY_TAIL.search(f)
        if tail and tail.start(1) > 0 and not is_upper_line(s):
            # two columns on one line: the copy list on the left, the capacity on the right
            if name is None:
                caps.append((s[tail.start(1):].strip(), line.span(tail.start(1), len(s))))
            s = s[:tail.start(1)].rstrip()
            f = f[:tail.start(1)].rstrip()
        if RE_NOI_NHAN.match(f):
            in_copy = True
            continue
        if not s or s[0] in "-+•":
            continue
        if in_copy and s[0].islower():
            continue
        if is_upper_line(s) and len(s.split()) <= 10 and not RE_NATIONAL_MOTTO.search(f):
            in_copy = False
            if name is None:
                caps.append((s.strip(), line.span()))
        elif is_person_name(s.strip()):
            in_copy = False
            name = (s.strip(), line.span())
    if name is None and len(caps) >= 2 and _upper_name(caps[-1][0]):
        name = (caps[-1][0], caps[-1][1])  # "NGUYỄN VĂN A" written in capitals
        caps = caps[:-1]
    sig = Signer()
    if caps:
        sig.capacity = "\n".join(c for c, _ in caps)
        sig.capacity_span = (caps[0][1][0], caps[-1][1][1]) if caps[0][1] and caps[-1][1] else None
    if name:
        sig.name, sig.name_span = name
    return sig


_ROLE_WORDS = re.compile(r"CHỦ TỊCH|GIÁM ĐỐC|VĂN PHÒNG|[ỦU][ỶY] BAN|NHÂN DÂN|TRƯỞNG|CHỦ NHIỆM|THỦ TƯỚNG|BÍ THƯ|"
                         r"\bPHÓ\b|\b(?:TM|KT|TL|TUQ)\.|HỘI ĐỒNG|CỘNG HÒA")


def _upper_name(s: str) -> bool:
    """"NGUYỄN VĂN MINH": a name written in capitals (not "PHÓ CHỦ TỊCH")."""
    tokens = s.split()
    return 2 <= len(tokens) <= 5 and all(t.isalpha() for t in tokens) and not _ROLE_WORDS.search(s)


def copy_list(lay: Layout) -> list[MText]:
    if lay.noi_nhan is None:
        return []
    items: list[list[MText]] = []
    line = lay.lines[lay.noi_nhan]
    m = re.match(r"^N[oơ]i\s+nh[ậa]n\s*:?\s*", line.s, re.I)
    rest = line[m.end():].strip() if m else line[0:0]
    if rest.s.startswith("-"):
        items.append([rest[1:].strip()])
    for i in range(lay.noi_nhan + 1, lay.main_end):
        s = lay.lines[i].s
        if not s:
            continue
        if s[0] in "-+•":
            if items and _is_archive(items[-1][0].s):
                break
            items.append([lay.lines[i][1:].strip()])
        elif items and s[0].islower():
            items[-1].append(lay.lines[i])
        else:
            break
    out = []
    for parts in items:
        item = flatten(MText.join(" ", parts))
        tail = RE_CAPACITY_TAIL.search(fold(item.s))
        if tail and tail.start(1) > 0:
            item = item[:tail.start(1)]
        item = item.sub(RE_PURPOSE_N, " ").strip(" ;,.}")
        if not item.s or _is_archive(item.s) or re.match(r"nhu\s+(?:tren|muc|dieu|kinh\s+gui|de\s+gui)\b", fold(item.s).lower()):
            continue
        out.append(item)
    return out


RE_PURPOSE_N = re.compile(
    r"\s*\}?\s*\((?:để\s+)?(?:b/c|p/h|t/h|biết|thực hiện|phối hợp|chỉ đạo|báo cáo|theo dõi|đăng tải|"
    r"c/đ|ch/đ|th/h|tb|B/c)[^)]*\)\s*|\s*\}\s*",
    re.I,
)


def _is_archive(s: str) -> bool:
    return bool(re.match(r"^Luu\b", fold(s), re.I))


def province(lay: Layout, place: str | None, mt: MText) -> str | None:
    """"tỉnh Hưng Yên" / "thành phố Hà Nội": from the place line, the addressee qualifier, the text."""
    if place:
        p = re.sub(r"^(?:TP\.?|Thành phố|Tỉnh)\s*", "", place).strip()
        kind = "thành phố" if fold(p).lower() in CENTRAL_CITIES else "tỉnh"
        return f"{kind} {p}"
    if lay.recipients_qualifier:
        q = lay.recipients_qualifier
        if re.match(r"^(?:tỉnh|thành phố)\s+\S", q):
            return q.rstrip(".")
    counts: dict[str, int] = {}
    for m in re.finditer(r"\b(tinh|thanh pho)\s+((?-i:[A-Z])[a-z]+(?:\s+(?-i:[A-Z])[a-z]+){0,3})", fold(mt.s), re.I):
        original = clean(mt.s[m.start():m.end()])
        counts[original] = counts.get(original, 0) + 1
    if counts:
        return max(counts, key=lambda k: counts[k])
    return None


def infer_issuer(symbol: str | None, prov: str | None, sig: Signer, opening: str) -> str | None:
    """The issuer when the header does not name it: the symbol, the signer, the opening lines."""
    codes = [p for p in re.split(r"[-/]", fold(symbol or "").upper()) if p and not p.isdigit()]
    central = {"VPCP": "Văn phòng Chính phủ", "TTG": "Thủ tướng Chính phủ", "CP": "Chính phủ",
               "LDTBXH": "Bộ Lao động - Thương binh và Xã hội", "BLDTBXH": "Bộ Lao động - Thương binh và Xã hội",
               "BHXH": "Bảo hiểm xã hội Việt Nam"}
    issuer_code = None
    if codes:
        issuer_code = codes[1] if codes[0] in SYMBOL_TYPES and len(codes) > 1 else codes[0]
    if issuer_code in central:
        return central[issuer_code]
    m = re.search(r"(?:Ủy|Uỷ|UỶ|ỦY) ban nhân dân (tỉnh|thành phố) ([A-ZĐ]\w*(?: [A-ZĐ]\w*){0,3})|"
                  r"UBND (tỉnh|thành phố) ([A-ZĐ]\w*(?: [A-ZĐ]\w*){0,3})", opening)
    named = f"{m.group(1) or m.group(3)} {m.group(2) or m.group(4)}" if m else None
    where = prov or named
    where_txt = f" {where}" if where else ""
    if issuer_code in {"VP", "VPUBND"}:
        return f"Văn phòng Ủy ban nhân dân{where_txt}"
    cap = fold(sig.capacity or "").upper()
    if issuer_code == "UBND" or "UY BAN NHAN DAN" in cap or "CHU TICH" in cap or (named and not issuer_code):
        return f"Ủy ban nhân dân{where_txt}"
    return None

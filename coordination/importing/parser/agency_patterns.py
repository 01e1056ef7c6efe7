"""Regular expressions for Vietnamese agency names, written against *folded* text.

Folded text (:func:`~coordination.importing.parser.text.fold`) has no diacritics and keeps case,
so "Sở Lao động – Thương binh và Xã hội" is matched as "So Lao dong - Thuong binh va Xa hoi".
Patterns are compiled case-insensitively; the parts that must be capitalised (place names) use
``(?-i:...)``.
"""

from __future__ import annotations

import re

# between two words of a name: a space, a dash, a comma, "&" or "và"
FLEXSEP = r"(?:\s*[-,&]\s*|\s+va\s+|\s+)"
# between two parts of an abbreviation ("LĐ-TB&XH", "LĐTBXH", "Lao động - TB & XH")
SEPOPT = r"(?:\s*[-,&]\s*|\s+va\s+|\s+|)"

# Multi-word phrases that are also written as initials; each item is a list of segments.
PHRASES: list[list[str]] = [
    ["uy ban", "nhan dan"], ["hoi dong", "nhan dan"], ["bao hiem", "xa hoi"],
    ["ngan hang", "chinh sach", "xa hoi"], ["ngan hang", "nha nuoc"], ["lien doan", "lao dong"],
    ["phat thanh", "truyen hinh"], ["khu", "cong nghiep"], ["ban", "quan ly"],
    ["trung tam", "dich vu", "viec lam"], ["mat tran", "to quoc"], ["thanh pho"], ["viet nam"],
]

# What follows "Sở" / "Bộ" / "Phòng": the fields of provincial departments and ministries.
FIELDS: list[list[str]] = [
    ["lao dong", "thuong binh", "xa hoi"], ["ke hoach", "dau tu"], ["thong tin", "truyen thong"],
    ["giao duc", "dao tao"], ["nong nghiep", "phat trien nong thon"], ["nong nghiep", "moi truong"],
    ["tai nguyen", "moi truong"], ["van hoa", "the thao", "du lich"], ["van hoa", "the thao"],
    ["khoa hoc", "cong nghe"], ["giao thong van tai"], ["giao thong", "xay dung"],
    ["tai chinh"], ["noi vu"], ["tu phap"], ["cong thuong"], ["xay dung"], ["y te"],
    ["ngoai vu"], ["ngoai giao"], ["du lich"], ["dan toc", "ton giao"], ["dan toc"],
    ["quoc phong"], ["cong an"], ["quy hoach", "kien truc"], ["ke hoach"], ["thong tin"],
]


def _initials(segment: str) -> str:
    return "".join(w[0] for w in segment.split())


def phrase_regex(segments: list[str], abbreviate: bool = True) -> str:
    """Segments as words or initials: ["lao dong", "thuong binh", "xa hoi"] also matches LĐTBXH."""
    parts = []
    for seg in segments:
        full = r"\s+".join(re.escape(w) for w in seg.split())
        ini = _initials(seg)
        if abbreviate and len(ini) >= 2:
            parts.append(f"(?:{full}|{re.escape(ini)})")
        else:
            parts.append(f"(?:{full})")
    if len(segments) == 1:
        return parts[0]
    return SEPOPT.join(parts)


FIELD_RE = "(?:" + "|".join(
    phrase_regex(f) for f in sorted(FIELDS, key=lambda f: -len(" ".join(f)))
) + ")"

# a capitalised place name: "Hưng Yên", "Bà Rịa - Vũng Tàu"; not a following agency's head
_HEADS = r"So|Bo|Ban|Uy|Cuc|Trung|Bao|Dai|Cong|Hoi|Vien|Van|Kho|Ngan|Lien|Tong|Tinh|Doan|Mat|Phong|Chi|Viet|UBND"
PLACE = (
    r"(?-i:(?!(?:" + _HEADS + r")\b)[A-Z][a-z]+\b(?:(?:\s*-\s*|\s+)(?!(?:" + _HEADS + r")\b)[A-Z][a-z]+\b){0,3})"
)
LOC = rf"(?:\s+(?:tinh|thanh\s+pho|tp\.?|huyen|thi\s+xa)(?:\s+{PLACE})?|\s+{PLACE})?"

# words that end an open-ended name ("Trung tâm ... <verb>"); only lower-case words stop it
STOP_WORDS = r"""
chu tri|phoi hop|thuc hien|tham muu|to chuc|trien khai|huong dan|chi dao|tang cuong|day manh|
xay dung|nghien cuu|ra soat|kiem tra|theo doi|bao cao|tong hop|de xuat|cap nhat|chu dong|
tiep tuc|khan truong|co trach nhiem|chiu trach nhiem|can cu|theo|tren|la|duoc|da|se|dang|
can|phai|nham|de|tai|trong|ve|cho|voi|cung|quan ly|hoan thanh|dam bao|bo tri|tuyen truyen|
pho bien|thong bao|cung cap|giai quyet|danh gia|phan cong|giao|yeu cau|de nghi|ban hanh|trinh|
phe duyet|tap trung|kip thoi|nghiem tuc|co|phan bo|sap xep|quan tam|tiep nhan|xu ly|van dong|
cong bo|giam sat|thuong xuyen|hang nam|hang thang|hang quy|hang tuan|dinh ky|truoc|sau|khi|neu|
thi|ma|nhu|gom|bao gom|nhung|moi|tat ca|lien quan|thuoc|cua|tu|den|tinh|huyen|thanh pho|tp|
thi xa|tiep|nhan|gui|lap|duy tri|nang cao|tham gia|chuan bi|hoan thien|dieu tra|kien nghi|
ket noi|chia se|quan triet|chinh sach|ho tro|so(?=\s+\d)|cac co quan|co quan|don vi|nguoi|doanh nghiep|va(?!\s+[A-Z])
""".replace("\n", "")
STOP = r"(?-i:(?:" + STOP_WORDS + r")\b)"
WORD = r"[\w&.\-]+"
TAIL = rf"(?:\s+(?!{STOP}){WORD}){{1,9}}"
CAPTAIL = rf"\s+(?-i:[A-Z]){WORD}(?:\s+(?!{STOP}){WORD}){{0,8}}"
ABBR = r"(?-i:[A-Z][A-Z&\-]{1,10})(?![\w])"
UB = r"(?:uy\s+ban\s+nhan\s+dan|ubnd|ub)"

# (kind, regex, needs a capital first letter, is a group, group category)
GENERIC: list[tuple[str, str, bool, bool, str | None]] = [
    # --- groups ---
    ("so-nganh", r"(?:(?:giam\s+doc|thu\s+truong)\s+)?(?:cac\s+)?so(?:\s*,\s*|\s+)(?:ban\s*,?\s*)?nganh"
     r"(?:\s*,\s*(?:doan\s+the|don\s+vi|co\s+quan)(?!\s+lien))*(?:\s+(?:cap\s+)?tinh)?(?:\s+(?:co\s+)?lien\s+quan)?",
     False, True, "so-nganh"),
    ("so-nganh", r"(?:giam\s+doc\s+)?cac\s+so(?:\s*,\s*(?:thu\s+truong\s+)?(?:cac\s+)?ban\s*,\s*nganh"
     r"(?:\s*,\s*doan\s+the)?)?(?:\s+(?:cap\s+)?tinh)?(?:\s+(?:co\s+)?lien\s+quan)?",
     False, True, "so-nganh"),
    ("so-nganh", r"(?:thu\s+truong\s+)?cac\s+ban\s*,\s*nganh(?:\s*,\s*doan\s+the)?(?:\s+(?:cap\s+)?tinh)?",
     False, True, "so-nganh"),
    ("huyen", rf"(?:(?:pho\s+)?chu\s+tich\s+)?(?:{UB}\s+)?(?:cac\s+)?(?:huyen|quan)\s*,\s*"
     rf"(?:thi\s+xa|thanh\s+pho|thanh|thi|quan|huyen|tp|tx)(?:\s*,\s*(?:thi\s+xa|thanh\s+pho|thanh|thi|quan|huyen|tp|tx))*"
     rf"(?:\s+(?:tren\s+dia\s+ban|trong)\s+tinh)?(?:\s+{PLACE})?",
     False, True, "huyen"),
    ("huyen", rf"(?:(?:pho\s+)?chu\s+tich\s+)?{UB}\s+(?:cap\s+huyen|cac\s+huyen)", False, True, "huyen"),
    ("huyen", r"(?:cac\s+)?dia\s+phuong(?:\s+(?:co\s+)?lien\s+quan)?", False, True, "huyen"),
    ("xa", rf"(?:(?:chu\s+tich\s+)?{UB}\s+)?(?:cac\s+)?(?:xa|cap\s+xa)\s*,\s*phuong(?:\s*,\s*thi\s+tran)?",
     False, True, "xa"),
    ("xa", rf"(?:chu\s+tich\s+)?{UB}\s+cap\s+xa", False, True, "xa"),
    ("tinh-nhom", rf"(?:chu\s+tich\s+)?{UB}\s+(?:cac\s+)?tinh\s*,\s*(?:thanh\s+pho|tp)"
     rf"(?:\s+truc\s+thuoc\s+(?:trung\s+uong|tw))?", False, True, "tinh-nhom"),
    ("doan-the", r"(?:cac\s+)?(?:to\s+chuc\s+chinh\s+tri\s*-\s*xa\s+hoi|doan\s+the\s+chinh\s+tri\s*-\s*xa\s+hoi|"
     r"hoi\s*,\s*doan\s+the|doan\s+the)(?:\s+(?:cap\s+)?tinh)?", False, True, "doan-the"),
    ("bo-nganh", r"(?:cac\s+)?bo\s*,\s*(?:co\s+quan\s+ngang\s+bo\s*,\s*)?nganh(?:\s+(?:trung\s+uong|lien\s+quan|co\s+lien\s+quan))*",
     False, True, "bo-nganh"),
    # --- single agencies ---
    ("so", rf"so\s+(?:{FIELD_RE}(?![\w])|{ABBR}|(?-i:[A-Z]){WORD}(?:\s+(?!{STOP}){WORD}){{0,6}})", True, False, None),
    ("bo", rf"bo\s+(?:{FIELD_RE}(?![\w])|{ABBR})", True, False, None),
    ("phong", rf"phong\s+(?:{FIELD_RE}(?![\w])|{ABBR}|(?-i:[A-Z]){WORD}(?:\s+(?!{STOP}){WORD}){{0,6}})", True, False, None),
    ("bhxh", r"(?:bao\s+hiem\s+xa\s+hoi|bhxh)(?:\s+(?:viet\s+nam|vn|cap\s+tinh|cap\s+huyen))?", True, False, None),
    ("nhcsxh", r"(?:chi\s+nhanh\s+)?(?:ngan\s+hang\s+chinh\s+sach\s+xa\s+hoi|nhcsxh|ngan\s+hang\s+csxh)"
     r"(?:\s+(?:viet\s+nam|vn))?(?:\s+chi\s+nhanh)?", True, False, None),
    ("nhnn", r"ngan\s+hang\s+nha\s+nuoc(?:\s+viet\s+nam)?(?:\s+chi\s+nhanh)?", True, False, None),
    ("ldld", r"(?:lien\s+doan\s+lao\s+dong|ldld)", True, False, None),
    ("ban", rf"ban(?:\s+quan\s+ly)?{CAPTAIL}", True, False, None),
    ("bql", rf"ban\s+quan\s+ly{TAIL}", True, False, None),
    ("bao", rf"bao(?:\s+va\s+phat\s+thanh{FLEXSEP}truyen\s+hinh)?\s+{PLACE}", True, False, None),
    ("dai", rf"dai\s+phat\s+thanh{FLEXSEP}truyen\s+hinh", True, False, None),
    ("ubnd", rf"{UB}\s+(?:tinh|thanh\s+pho|tp\.?)", True, False, None),
    ("ubnd-dp", rf"{UB}\s+(?:huyen|quan|thi\s+xa|thanh\s+pho|tp\.?|xa|phuong|thi\s+tran)\s+{PLACE}", True, False, None),
    ("trung-tam", rf"trung\s+tam{TAIL}", True, False, None),
    ("cong-an", r"cong\s+an(?=\s+(?:tinh|thanh\s+pho|huyen|(?-i:[A-Z])))", True, False, None),
    ("quan-su", r"bo\s+chi\s+huy\s+(?:quan\s+su|bo\s+doi\s+bien\s+phong)", True, False, None),
    ("cuc", rf"(?:tong\s+cuc|chi\s+cuc|cuc){CAPTAIL}", True, False, None),
    ("kho-bac", r"kho\s+bac\s+nha\s+nuoc", True, False, None),
    ("thanh-tra", r"thanh\s+tra(?=\s+(?:tinh|thanh\s+pho|chinh\s+phu))", True, False, None),
    ("van-phong", rf"van\s+phong{TAIL}", True, False, None),
    ("doan", r"(?:tinh\s+doan|doan\s+thanh\s+nien(?:\s+cong\s+san\s+ho\s+chi\s+minh)?)", True, False, None),
    ("hoi", rf"hoi{CAPTAIL}", True, False, None),
    ("mttq", r"(?:uy\s+ban\s+)?mat\s+tran\s+to\s+quoc(?:\s+viet\s+nam)?|ubmttq(?:vn)?", True, False, None),
    ("cong-ty", rf"(?:tong\s+)?cong\s+ty{CAPTAIL}", True, False, None),
    ("dien-luc", r"(?:dien\s+luc|vien\s+thong|buu\s+dien)(?=\s+(?:tinh|(?-i:[A-Z])))", True, False, None),
    ("vien", rf"(?:vien|truong){CAPTAIL}", True, False, None),
    ("national", r"thu\s+tuong\s+chinh\s+phu|chinh\s+phu|quoc\s+hoi|uy\s+ban\s+thuong\s+vu\s+quoc\s+hoi|"
     r"bo\s+chinh\s+tri|ban\s+bi\s+thu|ban\s+chap\s+hanh\s+trung\s+uong|(?:ban\s+thuong\s+vu\s+|thuong\s+truc\s+)?tinh\s+uy|"
     r"(?:hoi\s+dong\s+nhan\s+dan|hdnd)\s+tinh", True, False, None),
]

# kinds whose name may be followed by "tỉnh", "tỉnh Nghệ An", "Nghệ An"
LOC_KINDS = {"so", "bo", "phong", "bhxh", "nhcsxh", "nhnn", "ldld", "ban", "bql", "dai", "ubnd", "trung-tam",
             "cong-an", "quan-su", "cuc", "kho-bac", "thanh-tra", "van-phong", "doan", "hoi", "mttq",
             "dien-luc", "cong-ty", "vien"}

# Generic tails: not agencies ("các cơ quan, đơn vị liên quan")
_X = r"(?:co\s+quan|don\s+vi|to\s+chuc|ca\s+nhan|doanh\s+nghiep|ben|nganh|cap)"
_QUAL = r"(?:\s+(?:co\s+)?lien\s+quan|\s+chuc\s+nang|\s+chuyen\s+mon|\s+tren\s+dia\s+ban(?:\s+tinh)?|\s+truc\s+thuoc)"
_MORE = rf"(?:\s*,\s*(?:cac\s+)?{_X})"
TAIL_RE = re.compile(
    rf"(?:(?:cac|nhung)\s+{_X}{_MORE}*{_QUAL}?|{_X}{_MORE}+{_QUAL}?|{_X}{_QUAL})(?![\w])",
    re.I,
)

# "Chủ tịch UBND ...", "Giám đốc Sở ...": an office holder standing for the agency
ROLE_RE = re.compile(
    r"(?:(?:dong\s+chi|d/c)\s+)?(?:(?:pho\s+)?chu\s+tich|(?:pho\s+)?giam\s+doc|thu\s+truong|tong\s+giam\s+doc|"
    r"chanh\s+van\s+phong|truong\s+ban|bo\s+truong|cuc\s+truong)\s+",
    re.I,
)

GENERIC_COMPILED = [
    (kind, re.compile("(?:" + rx + ")" + (LOC if kind in LOC_KINDS else "") + r"(?![\w])", re.I), cap, grp, cat)
    for kind, rx, cap, grp, cat in GENERIC
]
GROUP_COMPILED = [(k, re.compile("(?:" + rx + r")(?![\w])", re.I), cat) for k, rx, _c, g, cat in GENERIC if g]


# every first word a generic pattern, a tail or a role can start with: other words skip them all
HEAD_WORDS = frozenset("""
giam thu cac so pho chu uy ubnd ub huyen quan dia xa cap to doan hoi bo phong bao bhxh chi ngan nhcsxh lien
ldld ban dai trung cong tong cuc kho thanh van tinh mat ubmttq ubmttqvn dien vien buu truong chinh quoc thuong
hdnd nhung co don ca doanh ben nganh dong d
""".split())
RE_FIRST_WORD = re.compile(r"[a-z]+")


def group_category(folded: str) -> str | None:
    """The group category of a whole name ("Các sở, ban, ngành tỉnh" → "so-nganh")."""
    text = folded.strip(" .;,")
    for _kind, rx, cat in GROUP_COMPILED:
        m = rx.match(text)
        if m and m.end() == len(text):
            return cat
    return None


_FLAT_PHRASES = sorted(
    ((p, " ".join(p).split(), "".join(_initials(x) for x in p), [_initials(x) for x in p], phrase_regex(p))
     for p in PHRASES + FIELDS),
    key=lambda t: -len(t[1]),
)


def name_regex(folded_name: str, *, group: bool = False) -> tuple[str, str]:
    """A registry name as a tolerant regex (dash/comma/"và" variants, initials) and the key of the
    suffix it may take in :data:`NAME_SUFFIXES` (an optional "tỉnh", "tỉnh X", "X", "liên quan")."""
    text = folded_name.lower()
    words = [w for w in re.findall(r"[a-z0-9]+", text) if w != "va"]
    pieces: list[str] = []
    i = 0
    while i < len(words):
        for segs, flat, ini, seg_ini, rx in _FLAT_PHRASES:
            n = len(flat)
            if words[i:i + n] == flat:
                pieces.append(rx)
                i += n
                break
            if len(ini) >= 2 and words[i] == ini:
                pieces.append(rx)
                i += 1
                break
            if len(segs) > 1 and words[i:i + len(segs)] == seg_ini:
                pieces.append(rx)
                i += len(segs)
                break
        else:
            pieces.append(re.escape(words[i]))
            i += 1
    if not pieces:
        return r"(?!)", "none"
    optional_tinh = len(pieces) >= 3 and pieces[-1] == "tinh"
    if optional_tinh:
        pieces = pieces[:-1]
    if group and pieces[0] == "cac":
        pieces = pieces[1:]
    body = FLEXSEP.join(pieces)
    if group:
        body = r"(?:(?:giam\s+doc|thu\s+truong|(?:pho\s+)?chu\s+tich)\s+)?(?:cac\s+)?" + body
        suffix = "group"
    elif optional_tinh:
        suffix = "tinh"
    elif pieces[-1] not in ("tinh", "huyen"):
        suffix = "loc"
    else:
        suffix = "place"
    return body + r"(?![\w])", suffix


# what may follow a registry name, compiled once (not into every name's pattern)
NAME_SUFFIXES = {
    "group": re.compile(r"(?:\s+(?:cap\s+)?tinh)?(?:\s+(?:co\s+)?lien\s+quan)?", re.I),
    "tinh": re.compile(rf"(?:\s+tinh(?:\s+{PLACE})?|\s+(?!Viet\b|Trung\b){PLACE})?", re.I),
    "loc": re.compile(LOC, re.I),
    "place": re.compile(rf"(?:\s+{PLACE})?", re.I),
    "none": re.compile(""),
}

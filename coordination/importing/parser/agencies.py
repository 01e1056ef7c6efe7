"""Agency mentions: matched against the caller's registry, or recognised by generic patterns.

Everything is matched on folded text (no diacritics, case kept), so NFC/NFD, old and new tone
placement, dash variants, PDF splits and line breaks (already repaired by normalisation) do not
matter. A registry name also matches its initials ("Sở LĐTBXH", "BHXH tỉnh", "UBND"), its "và"
/ "-" / "," variants and an optional trailing "tỉnh"/"tỉnh X"/"X". Without a registry, or for an
agency the registry does not know, the agency is returned as written with ``code=None``.
Groups ("Các sở, ban, ngành tỉnh", "UBND các huyện, thị xã, thành phố", "các địa phương") map to
the registry's group entry of the same category whatever their exact wording.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Sequence

from .agency_patterns import (FIELD_RE, GENERIC_COMPILED, HEAD_WORDS, NAME_SUFFIXES, RE_FIRST_WORD, ROLE_RE,
                              TAIL_RE, group_category, name_regex)
from .model import AgencyEntry, AgencyMention
from .text import MText, clean, flatten, fold, key, normalize

LIST_SEP = re.compile(r"\s*[,;]\s*(?:va\s+|cung\s+)?|\s+(?:va|cung\s+voi|cung|voi)\s+|\s+-\s+(?=[A-Z])", re.I)
# kinds that are the issuing People's Committee itself when named with "Chủ tịch"
_SELF_KINDS = {"ubnd", "national"}
# "Giám đốc các Sở: Tài chính, Kế hoạch và Đầu tư, Y tế" — one head word for several fields
RE_FIELD_LIST = re.compile(r"(?:(?:giam\s+doc|thu\s+truong)\s+)?(?:cac\s+)?(so|bo|phong)\s*:\s*", re.I)
RE_FIELD = re.compile(FIELD_RE + r"(?![\w])", re.I)
HEADS = {"so": "Sở", "bo": "Bộ", "phong": "Phòng"}
_RE_PROVINCIAL = re.compile(r"^(?:uy ban nhan dan|ubnd) (?:tinh|thanh pho)\b")


@dataclass
class AMatch:
    start: int
    end: int
    kind: str                     # "registry", a generic kind, or "tail"
    entry: AgencyEntry | None = None
    is_group: bool = False
    category: str | None = None
    role: str | None = None
    text: str | None = None       # when the name is rebuilt ("Sở" + a listed field)


class Recognizer:
    """Finds agency mentions; built once per registry."""

    def __init__(self, registry: Sequence[AgencyEntry] | None = None):
        self.entries = list(registry or [])
        self._buckets: dict[str, list[tuple[re.Pattern, re.Pattern, AgencyEntry, bool]]] = {}
        self._group_by_cat: dict[str, AgencyEntry] = {}
        self._by_key: dict[str, AgencyEntry] = {}
        for entry in self.entries:
            names = [entry.name] + ([entry.short_name] if entry.short_name else []) + list(entry.aliases)
            for name in names:
                folded = fold(normalize(name).s).strip()
                if not folded:
                    continue
                self._by_key.setdefault(key(name), entry)
                source, suffix = name_regex(folded, group=entry.is_group)
                rx = re.compile(source, re.I)
                needs_cap = folded[0].isupper() and not entry.is_group
                first = {folded.lower()[0]}
                if entry.is_group:
                    first |= {"c", "g", "t", "p"}
                for ch in first:
                    self._buckets.setdefault(ch, []).append((rx, NAME_SUFFIXES[suffix], entry, needs_cap))
                if entry.is_group:
                    cat = group_category(folded)
                    if cat:
                        self._group_by_cat.setdefault(cat, entry)

    # --- matching at a position -----------------------------------------------------------

    def match_at(self, f: str, s: str, pos: int) -> AMatch | None:
        """The longest agency (or generic tail) starting exactly at ``pos``."""
        best = self._core(f, s, pos)
        rm = ROLE_RE.match(f, pos) if f[pos:pos + 1].lower() in "dpcgttb" else None
        if rm and s[pos].isupper():
            inner = self._core(f, s, rm.end())
            if inner and inner.kind != "tail" and (best is None or inner.end > best.end):
                role = clean(s[pos:rm.end()])
                entry = inner.entry
                if inner.kind in _SELF_KINDS or _RE_PROVINCIAL.match(key(s[inner.start:inner.end])):
                    entry = None  # "Chủ tịch UBND tỉnh" is the leadership, not a department
                best = AMatch(pos, inner.end, inner.kind, entry, inner.is_group, inner.category, role)
        return best

    def _core(self, f: str, s: str, pos: int) -> AMatch | None:
        if pos >= len(f):
            return None
        reg: AMatch | None = None
        cap = s[pos].isupper()
        for rx, suffix, entry, needs_cap in self._buckets.get(f[pos].lower(), ()):
            if needs_cap and not cap:
                continue
            m = rx.match(f, pos)
            if not m:
                continue
            end = suffix.match(f, m.end()).end()
            if end < len(f) and (f[end].isalnum() or f[end] == "_"):
                end = m.end()
            if reg is None or end > reg.end:
                reg = AMatch(pos, end, "registry", entry, entry.is_group,
                             group_category(f[pos:end]) if entry.is_group else None)
        best = reg
        w = RE_FIRST_WORD.match(f[pos:pos + 12].lower())
        if not w or w.group(0) not in HEAD_WORDS:
            return best
        for kind, rx, needs_cap, is_group, cat in GENERIC_COMPILED:
            if needs_cap and not cap:
                continue
            m = rx.match(f, pos)
            if m and (best is None or m.end() > best.end):
                if reg is not None and not is_group and _overruns(s, reg.end, m.end()):
                    continue  # an open-ended generic name running past a known one into the sentence
                entry = self._group_by_cat.get(cat) if is_group else self._by_key.get(key(s[pos:m.end()]))
                best = AMatch(pos, m.end(), kind, entry, is_group or bool(entry and entry.is_group), cat)
        m = TAIL_RE.match(f, pos)
        if m and (best is None or m.end() > best.end):
            best = AMatch(pos, m.end(), "tail")
        return best

    def lookup(self, text: str) -> AgencyEntry | None:
        """The registry entry a whole name stands for, if any."""
        mt = normalize(text)
        m = self._core(fold(mt.s), mt.s, 0) if mt.s else None
        return m.entry if m and m.end >= len(mt.s) else None

    def _field_list(self, f: str, s: str, pos: int) -> tuple[list[AMatch], int] | None:
        m = RE_FIELD_LIST.match(f, pos)
        if not m:
            return None
        head = HEADS[m.group(1).lower()]
        items: list[AMatch] = []
        p = m.end()
        while True:
            fm = RE_FIELD.match(f, p)
            if not fm:
                break
            text = f"{head} {clean(s[fm.start():fm.end()])}"
            items.append(AMatch(fm.start(), fm.end(), "field", self.lookup(text), text=text))
            p = fm.end()
            sep = LIST_SEP.match(f, p)
            if not sep or not RE_FIELD.match(f, sep.end()):
                break
            p = sep.end()
        return (items, p) if items else None

    def scan_list(self, f: str, s: str, pos: int) -> tuple[list[AMatch], int, bool]:
        """Agencies listed from ``pos`` ("A, B và C"): (mentions, end, saw a generic tail)."""
        items: list[AMatch] = []
        saw_tail = False
        end = pos
        p = pos
        while p < len(f):
            fl = self._field_list(f, s, p)
            if fl:
                items.extend(fl[0])
                end = fl[1]
            else:
                m = self.match_at(f, s, p)
                if m is None:
                    break
                if m.kind == "tail":
                    saw_tail = True
                else:
                    items.append(m)
                end = m.end
            sep = LIST_SEP.match(f, end)
            if not sep:
                break
            p = sep.end()
        return items, end, saw_tail

    # --- mentions -------------------------------------------------------------------------

    def mention(self, mt: MText, m: AMatch) -> AgencyMention:
        text = m.text or clean(mt.s[m.start:m.end])
        entry = m.entry
        return AgencyMention(
            text=text,
            code=entry.code if entry else None,
            name=entry.name if entry else None,
            is_group=bool(m.is_group or (entry and entry.is_group)),
            span=mt.span(m.start, m.end),
            role=m.role,
        )

    def match_items(self, mt: MText) -> list[AgencyMention]:
        """One addressee line: its agencies if they cover it all ("Sở Y tế, Sở Tài chính"), else
        the line as one (possibly unknown) agency."""
        flat = flatten(mt).strip(" ;,.:")
        f = fold(flat.s)
        items, end, _tail = self.scan_list(f, flat.s, 0)
        if len(items) > 1 and end >= len(flat.s.rstrip(" .;,")):
            return [self.mention(flat, m) for m in items]
        return [self.match_whole(mt)]

    def match_whole(self, mt: MText) -> AgencyMention:
        """One list item (an addressee, a copy recipient): matched if an agency covers it all."""
        mt = flatten(mt).strip(" ;,.:")
        s = mt.s
        f = fold(s)
        m = self.match_at(f, s, 0) if s else None
        if m and m.kind != "tail" and m.end >= len(s.rstrip(" .;,")):
            return self.mention(mt, m)
        cat = group_category(f)
        entry = self._group_by_cat.get(cat) if cat else self._by_key.get(key(s))
        return AgencyMention(
            text=clean(s), code=entry.code if entry else None, name=entry.name if entry else None,
            is_group=bool(cat) or bool(entry and entry.is_group), span=mt.span() if s else None,
        )

    def mentions_in(self, mt: MText) -> list[AgencyMention]:
        """Every agency named anywhere in ``mt`` (word starts only), left to right."""
        s, f = mt.s, fold(mt.s)
        out: list[AgencyMention] = []
        pos = 0
        for w in re.finditer(r"(?<![\w])\w", f):
            if w.start() < pos:
                continue
            m = self.match_at(f, s, w.start())
            if m and m.kind != "tail":
                out.append(self.mention(mt, m))
                pos = m.end
        return out


def _overruns(s: str, known_end: int, end: int) -> bool:
    extra = s[known_end:end].strip()
    return bool(extra) and extra[0].islower() and not re.match(r"(?:tỉnh|thành phố|huyện|thị xã)\b", extra)


def dedupe(mentions: list[AgencyMention], exclude: Sequence[AgencyMention] = ()) -> list[AgencyMention]:
    seen = {_ident(m) for m in exclude}
    out = []
    for m in mentions:
        ident = _ident(m)
        if ident not in seen:
            seen.add(ident)
            out.append(m)
    return out


def _ident(m: AgencyMention) -> str:
    return m.code or key(m.text)

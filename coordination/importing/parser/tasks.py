"""Who must do what: tasks from the body tree.

One paragraph (or bullet) is read as: optional opener ("Hàng năm,", "Đề nghị", "Giao"), a list
of agencies as its subject, then the predicate. The subjects are the leads (several equal
subjects → one task each); every agency list after "phối hợp (với)" is coordinating. A
paragraph that only names agencies ("1. Sở Lao động - Thương binh và Xã hội", "8. Đề nghị Liên
đoàn Lao động tỉnh") or assigns them and ends with ":" gives its lead (and coordinating) to its
bullets; a bullet with no subject of its own ("- Phối hợp với Sở Tài chính …") inherits them.
The issuer itself ("Ủy ban nhân dân tỉnh yêu cầu …", "Văn phòng … thông báo …") is never a lead:
what follows its "yêu cầu / giao / đề nghị" is. Numbered paragraphs without any agency take the
addressee of the lead-in sentence ("… đề nghị Chủ tịch UBND các tỉnh, thành phố … các nội dung
sau:"), or the only addressee of a letter. Unnumbered paragraphs become tasks only with an explicit
assignment; a closing one ("… yêu cầu các sở …; định kỳ hàng năm báo cáo … trước ngày 15/12")
only when it carries a deadline or a reporting duty.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date

from .agencies import Recognizer, dedupe
from .deadlines import find_deadline
from .model import AgencyMention, Deadline, ParsedTask
from .references import reference_spans
from .structure import Body, Node, section_filter
from .text import MText, capitalize_first, flatten, fold, key

RE_OPENER = re.compile(
    r"(?:(?:dinh\s+ky\s+)?hang\s+(?:nam|quy|thang|tuan)|dinh\s+ky|dong\s+thoi|ngoai\s+ra|mat\s+khac|"
    r"tren\s+co\s+so[^,;:]{0,80}|can\s+cu[^,;:]{0,80}|theo\s+chuc\s+nang[^,;:]{0,60})\s*,\s*",
    re.I,
)
RE_FOR = re.compile(r"(?:doi\s+voi|rieng|ve\s+phia|trach\s+nhiem\s+cua|nhiem\s+vu\s+cua)\s+", re.I)
RE_ASSIGN = re.compile(r"(?:de\s+nghi|giao\s+nhiem\s+vu\s+cho|giao\s+cho|giao|yeu\s+cau)(?:\s+dong\s+chi)?\s+", re.I)
RE_COORD = re.compile(r"(?<!\w)phoi\s+hop(?:\s+chat\s+che)?(?:\s+(?:voi|cung(?:\s+voi)?))?\s+", re.I)
RE_LEAD_ROLE = re.compile(r"\s*(?:\(([^)]{0,80})\)\s*)?(?:,?\s*(?:la\s+co\s+quan\s+)?chu\s+tri\s*,?\s*)?", re.I)
RE_ROLE_START = re.compile(r"(?:chu\s+tri|phoi\s+hop)\b", re.I)
RE_SELF = re.compile(
    r"^(?:(?:pho\s+)?chu\s+tich\s+|lanh\s+dao\s+)?(?:van\s+phong\s+)?(?:uy\s+ban\s+nhan\s+dan|ubnd)\s+(?:tinh|thanh\s+pho)\b"
)
RE_REPORTING = re.compile(
    r"^(?:da|vua|dang|co\s+y\s+kien|thong\s+bao|tran\s+trong|rat\s+mong|nhan\s+duoc|ban\s+hanh|xin|kinh\s+gui|"
    r"chi\s+dao\s+nhu\s+sau|yeu\s+cau\s*:|de\s+nghi\s*:)", re.I
)
RE_PAST = re.compile(r"^(?:da|vua|da\s+va\s+dang|nhan\s+duoc)\b", re.I)
RE_DESCRIPTIVE = re.compile(r"^(?:duoc|thuoc|co|tham\s+gia|la|da|trong|tai|theo)\b", re.I)
RE_SUBSTANCE = re.compile(r"bao\s+cao|tong\s+hop|theo\s+doi|kiem\s+tra|don\s+doc", re.I)
RE_CLAUSE = re.compile(r"[.:;]\s+|^")
RE_ROLE_VERB = re.compile(r"\s*(?:\([^)]{0,80}\)\s*)?,?\s*(?:chu\s+tri|co\s+trach\s+nhiem|chiu\s+trach\s+nhiem|khan\s+truong)\b", re.I)
RE_BOILERPLATE = re.compile(r"chiu\s+trach\s+nhiem\s+thi\s+hanh|co\s+hieu\s+luc", re.I)


@dataclass
class Ctx:
    leads: list[AgencyMention] = field(default_factory=list)
    coordinating: list[AgencyMention] = field(default_factory=list)
    deadline: Deadline | None = None
    from_doc: bool = True         # leads from the lead-in sentence or the addressee, not a heading


@dataclass
class Segment:
    """A clause that assigns work inside a paragraph: "…; giao Sở Y tế chủ trì …"."""
    start: int
    subjects: list[AgencyMention]
    rest: int


@dataclass
class Reading:
    subjects: list[AgencyMention]
    heading: bool                 # the paragraph only names its agencies
    rest: int                     # where the predicate starts
    assigned: bool = False        # "Giao X", "… yêu cầu X"
    self_subject: bool = False
    descriptive: bool = False     # the subject is a description, not a named agency


class TaskReader:
    def __init__(self, recognizer: Recognizer, issuer: str | None, recipients: list[AgencyMention],
                 ref: date | None, doc_type: str | None):
        self.rec = recognizer
        self.issuer_key = key(issuer) if issuer else None
        self.recipients = recipients
        self.ref = ref
        self.doc_type = doc_type
        self._headings: dict[str, bool] = {}

    # --- reading one paragraph ------------------------------------------------------------

    def is_heading(self, text: str) -> bool:
        """A line that only names agencies (optionally after "Đề nghị"/"Giao", before ":")."""
        if len(text) > 300:
            return False
        if text not in self._headings:
            self._headings[text] = self.read(MText.of(text)).heading
        return self._headings[text]

    def is_self(self, m: AgencyMention) -> bool:
        k = key(m.text)
        if RE_SELF.match(k) or (m.code is None and k in {"chinh phu", "thu tuong chinh phu"}):
            return True
        return bool(self.issuer_key and (k == self.issuer_key or k.replace(" / ", " ") in self.issuer_key))

    def read(self, mt: MText) -> Reading:
        s, f = mt.s, fold(mt.s)
        pos = 0
        while True:
            m = RE_OPENER.match(f, pos)
            if not m:
                break
            pos = m.end()
        assigned = False
        m = RE_FOR.match(f, pos)
        if m:
            pos = m.end()
        m = RE_ASSIGN.match(f, pos)
        if m:
            pos, assigned = m.end(), True
        items, end, saw_tail = self.rec.scan_list(f, s, pos)
        subjects = [self.rec.mention(mt, x) for x in items]
        if subjects and all(self.is_self(x) for x in subjects):
            after = re.match(r"\s*(?:\([^)]*\)\s*)?(?:tran\s+trong\s+)?", f[end:], re.I)
            a = RE_ASSIGN.match(f, end + after.end())
            if a:
                items, end2, _t = self.rec.scan_list(f, s, a.end())
                subs = [self.rec.mention(mt, x) for x in items if not self.is_self(self.rec.mention(mt, x))]
                if subs:
                    return Reading(subs, False, end2, assigned=True, self_subject=True)
            return Reading([], False, end, self_subject=True)
        subjects = [x for x in subjects if not self.is_self(x)]
        if not subjects and saw_tail and not assigned:
            return self._descriptive(mt, pos, end)
        rest = s[end:].strip()
        heading = bool(subjects) and (not rest or rest.startswith(":"))
        return Reading(subjects, heading, end, assigned=assigned)

    def _descriptive(self, mt: MText, pos: int, end: int) -> Reading:
        """"Các cơ quan được giao chủ trì … theo Kế hoạch số 111/KH-UBND, cụ thể hóa …"."""
        s, f = mt.s, fold(mt.s)
        if RE_DESCRIPTIVE.match(f[end:].lstrip()):
            stop = re.search(r"[,;:]", s[end:])
            end = end + stop.start() if stop else len(s)
        if end - pos > 200:
            return Reading([], False, pos)
        text = " ".join(s[pos:end].split()).strip(" ,;:")
        m = AgencyMention(text=capitalize_first(text), span=mt.span(pos, end))
        return Reading([m], False, end, descriptive=True)

    def assignments(self, mt: MText) -> list[Segment]:
        """Clauses that assign work: "giao/đề nghị/yêu cầu X …" at a clause start (possibly after
        the issuer: "Chủ tịch UBND tỉnh giao …"), or "X chủ trì / có trách nhiệm …" there."""
        s, f = mt.s, fold(mt.s)
        found: dict[int, Segment] = {}
        for c in RE_CLAUSE.finditer(f):
            b = c.end()
            if b >= len(f):
                continue
            pos = b
            items, end, _t = self.rec.scan_list(f, s, pos)
            subs = [self.rec.mention(mt, x) for x in items]
            if subs and all(self.is_self(x) for x in subs):
                pos = end + len(f[end:]) - len(f[end:].lstrip())
                subs = []
            elif subs and RE_ROLE_VERB.match(f, end):
                found[b] = Segment(b, [x for x in subs if not self.is_self(x)], end)
                continue
            a = RE_ASSIGN.match(f, pos)
            if a:
                items, end, _t = self.rec.scan_list(f, s, a.end())
                subs = [x for x in (self.rec.mention(mt, y) for y in items) if not self.is_self(x)]
                if subs:
                    found[b] = Segment(b, subs, end)
        return [found[k] for k in sorted(found) if found[k].subjects]

    def coordinating(self, mt: MText, start: int) -> list[AgencyMention]:
        s, f = mt.s, fold(mt.s)
        out: list[AgencyMention] = []
        for m in RE_COORD.finditer(f, start):
            items, _end, _t = self.rec.scan_list(f, s, m.end())
            out.extend(self.rec.mention(mt, x) for x in items)
        return [m for m in out if not self.is_self(m)]

    def cell_agencies(self, cell: MText) -> list[AgencyMention]:
        """The agencies of a table cell; what no pattern covers is kept as written."""
        flat = flatten(cell).strip(" ;,.")
        s, f = flat.s, fold(flat.s)
        out: list[AgencyMention] = []
        pos = 0
        while pos < len(s):
            items, end, saw_tail = self.rec.scan_list(f, s, pos)
            out.extend(self.rec.mention(flat, x) for x in items)
            if end > pos:
                pos = end
            else:
                nxt = re.search(r"[,;]", s[pos:])
                stop = pos + nxt.start() if nxt else len(s)
                piece = s[pos:stop].strip(" ,;.")
                if piece and not re.match(r"^(?:va|cac)?\s*$", fold(piece).lower()):
                    entry = self.rec.lookup(piece)
                    out.append(AgencyMention(text=piece, code=entry.code if entry else None,
                                             name=entry.name if entry else None, span=flat.span(pos, stop)))
                pos = stop
            sep = re.match(r"\s*(?:[,;]|\bva\b)\s*", f[pos:])
            pos += sep.end() if sep else 0
            if not sep and pos < len(s):
                pos += 1
        return [m for m in dedupe(out) if not self.is_self(m)]

    def deadline(self, mt: MText) -> Deadline:
        return find_deadline(mt, self.ref, reference_spans(fold(mt.s)))

    def summary(self, mt: MText, reading: Reading) -> str:
        s, f = mt.s, fold(mt.s)
        pos = reading.rest if reading.subjects else 0
        if reading.subjects or RE_ROLE_START.match(f):
            m = RE_LEAD_ROLE.match(f, pos)
            pos = m.end() if m else pos
            c = RE_COORD.match(f, pos)
            if c:
                items, end, saw_tail = self.rec.scan_list(f, s, c.end())
                if items or saw_tail:
                    pos = end
        text = s[pos:].strip(" ,;:-")
        text = re.sub(r"\s*\.?/\.?$|\s*/$", "", text).strip()
        return capitalize_first(text)

    # --- the tree ---------------------------------------------------------------------------

    def tasks(self, body: Body) -> list[ParsedTask]:
        out: list[ParsedTask] = []
        first_marked = min((n.index for n in body.root.children), default=10**9)
        last_marked = max((n.index for n in body.nodes if n.style is not None), default=-1)
        doc = Ctx()
        for node in body.floating:
            if node.index < first_marked and node.text.s.rstrip().endswith(":"):
                doc.leads = self.lead_in(node.text) or doc.leads
        if not doc.leads and len(self.recipients) == 1 and self.doc_type in ("Công văn", "Công điện"):
            if not self.is_self(self.recipients[0]):
                doc.leads = list(self.recipients)
        self.excluded = section_filter(body)
        items: list[tuple[int, list[ParsedTask]]] = []
        for node in body.root.children:
            self._walk(node, doc, items)
        for node in body.floating:
            if node.text.s.rstrip().endswith(":") and node.index < last_marked:
                continue
            items.append((node.index, self._floating(node, closing=node.index > last_marked)))
        for _i, ts in sorted(items, key=lambda t: t[0]):
            out.extend(ts)
        return out

    def lead_in(self, mt: MText) -> list[AgencyMention]:
        s, f = mt.s, fold(mt.s)
        found: list[AgencyMention] = []
        for m in RE_ASSIGN.finditer(f):
            items, _e, _t = self.rec.scan_list(f, s, m.end())
            subs = [self.rec.mention(mt, x) for x in items]
            subs = [x for x in subs if not self.is_self(x)]
            if subs:
                found = subs
        return [self._resolve(m) for m in found]

    def _resolve(self, m: AgencyMention) -> AgencyMention:
        """"Chủ tịch UBND các tỉnh, thành phố" → the addressee it abbreviates, if any."""
        if m.code:
            return m
        k = _expand(key(m.text))
        for r in self.recipients:
            if r.code is None and _expand(key(r.text)).startswith(k):
                return AgencyMention(text=r.text, is_group=r.is_group or m.is_group, span=m.span, role=m.role)
        return m

    def _walk(self, node: Node, ctx: Ctx, out: list) -> None:
        if node.index in self.excluded:
            return
        reading = self.read(node.text)
        whole = flatten(MText.join(" ", [node.text] + [c.text for c in node.content]))
        own = reading.subjects
        segments = [] if own or not ctx.from_doc and ctx.leads else self.assignments(whole)
        if segments and not node.children:
            for seg, nxt in zip(segments, segments[1:] + [None]):
                part = whole[seg.start:nxt.start if nxt else len(whole)]
                self._leaf(node, part, Reading(seg.subjects, False, seg.rest - seg.start), seg.subjects,
                           self.coordinating(part, seg.rest - seg.start), ctx, out)
            return
        if segments:
            own = segments[0].subjects
        coord_here = self.coordinating(whole, reading.rest if own else 0)
        if own:
            leads, coord = own, coord_here
        else:
            leads, coord = ctx.leads, ctx.coordinating + coord_here
        if node.children:
            deadline = self.deadline(whole)
            sub = Ctx(leads, coord if (own or coord_here) else ctx.coordinating,
                      deadline if deadline.kind else ctx.deadline, from_doc=not own and ctx.from_doc)
            for child in node.children:
                self._walk(child, sub, out)
            return
        if not own and (not ctx.leads or ctx.from_doc) and node.content and node.heading_like():
            # "II. TỔ CHỨC THỰC HIỆN" / "1. Về công tác tuyên truyền" + "Sở X chủ trì …": the
            # paragraphs under the heading say who does what
            found = [(c.index, self._floating(c, closing=False, paragraph=node.path(), marker=node.marker_span))
                     for c in node.content]
            if any(ts for _i, ts in found) or not ctx.leads:
                out.extend(found)
                return
        if own and RE_PAST.match(fold(node.text.s)[reading.rest:].strip(" ,")):
            return  # "Sở X đã tổ chức …": an account of what was done, not a task
        if reading.heading:
            content = flatten(MText.join(" ", [c.text for c in node.content])) if node.content else None
            if content is None or not content.s.strip():
                inline = node.text[reading.rest:].strip(" :")
                if not inline.s:
                    return
                content = inline
            self._leaf(node, content, Reading([], False, 0), leads, coord, ctx, out, whole=whole)
            return
        self._leaf(node, whole, reading, leads, coord, ctx, out)

    def _leaf(self, node: Node, text: MText, reading: Reading, leads, coord, ctx: Ctx, out: list,
              whole: MText | None = None) -> None:
        if not leads or RE_BOILERPLATE.search(fold(text.s)):
            return
        deadline = self.deadline(whole or text)
        if deadline.kind is None and ctx.deadline is not None:
            deadline = ctx.deadline
        summary = self.summary(text, reading)
        if not summary:
            return
        out.append((node.index, self._make(node.path(), node.marker_span, leads, coord, summary, deadline,
                                           (whole or text).span())))

    def _floating(self, node: Node, closing: bool, paragraph: str | None = None,
                  marker=None) -> list[ParsedTask]:
        """Unnumbered paragraphs: tasks only with an explicit assignment (see the module doc)."""
        text = node.text
        f = fold(text.s)
        if RE_BOILERPLATE.search(f) or text.s.rstrip().endswith(":"):
            return []
        reading = self.read(text)
        if reading.descriptive:
            return []  # "Các cơ quan, đơn vị … báo cáo …": no agency is named
        if reading.subjects and not reading.heading:
            rest = f[reading.rest:].strip(" ,")
            if not reading.assigned and RE_REPORTING.match(rest):
                return []
            segments = [Segment(0, reading.subjects, reading.rest)]
        else:
            segments = self.assignments(text)
        tasks: list[ParsedTask] = []
        for seg, nxt in zip(segments, segments[1:] + [None]):
            part = text[seg.start:nxt.start if nxt else len(text)]
            rest = seg.rest - seg.start
            deadline = self.deadline(part)
            if closing and deadline.kind is None and not RE_SUBSTANCE.search(fold(part.s)[rest:]):
                continue
            coord = self.coordinating(part, rest)
            summary = self.summary(part, Reading(seg.subjects, False, rest))
            tasks.extend(self._make(paragraph, marker, seg.subjects, coord, summary, deadline, part.span()))
        return tasks

    def _make(self, paragraph, marker_span, leads, coord, summary, deadline, span) -> list[ParsedTask]:
        tasks = []
        for lead in dedupe(leads):
            tasks.append(ParsedTask(
                paragraph=paragraph, lead=replace(lead), coordinating=[replace(c) for c in dedupe(coord, exclude=[lead])],
                summary=summary, deadline=replace(deadline), paragraph_span=marker_span, span=span,
            ))
        return tasks


def _expand(k: str) -> str:
    return re.sub(r"\bubnd\b", "uy ban nhan dan", k)



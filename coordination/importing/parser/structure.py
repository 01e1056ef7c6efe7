"""The body as a tree of numbered paragraphs ("I.", "1.", "2.1.", "a)", "Điều 2.") and bullets.

Line breaks in extracted text are unreliable (PDF lines wrap anywhere, blank lines fall inside
paragraphs), so a line starts a new paragraph only when it carries a marker, or when the line
before it ends a sentence and it starts with a capital, or when it follows a short heading line
("3. Sở Tài chính"). A number is only a marker if it continues the numbering or the line before
ended a sentence ("… công nghiệp\\n4.0 và …" is not paragraph 4).

Unmarked paragraphs right after a numbered paragraph are its content; those after a bullet, before
the first numbered paragraph, or after the last one are *floating* paragraphs (intro, closing),
which the task reader only accepts with an explicit assignment ("Giao …", "… yêu cầu …").
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

from .model import Span
from .text import MText, flatten, fold

RE_PART = re.compile(r"^(?:Phần|PHẦN|Chương|CHƯƠNG)\s+((?:thứ\s+)?[\wÀ-ỹ]+)\s*[.:]?\s*", re.I)
RE_ROMAN = re.compile(r"^((?:X{0,3})(?:IX|IV|V?I{0,3}))[.)]\s+(?=\S)")
RE_ARTICLE = re.compile(r"^(?:Điều|Dieu)\s+(\d+)\s*[.:]\s*")
RE_MULTI = re.compile(r"^(\d{1,2}(?:\.\d{1,2}){1,3})\.?\s+(?=\S)")
RE_NUM = re.compile(r"^(\d{1,2})[.)]\s+(?=\S)")
RE_LETTER = re.compile(r"^([a-zđ])\)\s*(?=\S)|^([a-zđ])\.\s+(?=\S)")
RE_BULLET = re.compile(r"^([-+•·])\s*(?=\S)")
TERMINAL = (".", ":", ";", "!", "?", "./.", ".\"", ".”", "/")
CONNECTORS = {"va", "cua", "voi", "cac", "cho", "ve", "tai", "theo", "trong", "de", "-", ","}

SECTION_IMPLEMENT = re.compile(
    r"^(?:to chuc thuc hien|trien khai thuc hien|phan cong|trach nhiem (?:thuc hien|cua cac|to chuc)|"
    r"giao nhiem vu|che do bao cao|nhiem vu cu the cua)"
)
SECTION_NO_TASKS = re.compile(
    r"^(?:muc dich|yeu cau|muc tieu|kinh phi|can cu|tinh hinh|ket qua|quan diem|danh gia|thuc trang|"
    r"pham vi|doi tuong|su can thiet|chi tieu|dac diem|boi canh)"
)
SECTION_CONTENT = re.compile(r"^(?:noi dung|nhiem vu|giai phap|cac nhiem vu|nhiem vu,? giai phap)")


@dataclass
class Node:
    style: str | None                    # roman, article, num, multiN, letter, dash, plus; None = unmarked
    label: str | None
    text: MText                          # the paragraph without its marker, on one line
    marker_span: Span | None = None
    parent: "Node | None" = None
    children: list["Node"] = field(default_factory=list)
    content: list["Node"] = field(default_factory=list)   # unmarked paragraphs that belong to it
    index: int = 0                       # order in the body
    floating: bool = False
    names_agencies: bool = False         # the paragraph only names agencies ("2. Bảo hiểm xã hội tỉnh")

    @property
    def is_bullet(self) -> bool:
        return self.style in ("dash", "plus")

    def path(self) -> str | None:
        labels: list[str] = []
        node: Node | None = self
        while node is not None and node.style is not None:
            if not node.is_bullet and node.label:
                if labels and node.style == "num" and labels[0].startswith(node.label + "."):
                    pass  # "2.1" already says "2"
                else:
                    labels.insert(0, node.label)
            node = node.parent
        return ".".join(labels) or None

    def heading_like(self) -> bool:
        words = self.text.s.split()
        return self.names_agencies or self.text.s.endswith(":") or (len(words) <= 15 and not self.text.s.rstrip().endswith((".", ";")))

    def heading_text(self) -> str:
        if not self.text.s.strip() and self.content:
            return self.content[0].text.s
        return self.text.s


@dataclass
class Body:
    root: Node
    floating: list[Node]
    nodes: list[Node]


def _marker(s: str, prev: str | None, last_num: dict[str, int], ctx_num: str | None):
    """(style, label, marker length) or None."""
    prev_terminal = prev is None or prev.rstrip().endswith(TERMINAL + (")",)) or _is_upper(prev)
    m = RE_ARTICLE.match(s)
    if m:
        return "article", f"Điều {m.group(1)}", m.end()
    m = RE_PART.match(s)
    if m and (prev_terminal or not s[m.end():].strip() or s[m.end():m.end() + 1].isupper()):
        return "part", s[:m.end()].strip(" .:"), m.end()
    m = RE_ROMAN.match(s)
    if m and m.group(1) and (prev_terminal or s[m.end():m.end() + 1].isupper()):
        return "roman", m.group(1), m.end()
    m = RE_MULTI.match(s)
    if m:
        label = m.group(1)
        depth = label.count(".")
        if prev_terminal or (ctx_num and label.startswith(ctx_num + ".")):
            return f"multi{depth}", label, m.end()
        return None
    m = RE_NUM.match(s)
    if m:
        n = int(m.group(1))
        if prev_terminal or n == last_num.get("num", 0) + 1:
            return "num", m.group(1), m.end()
        return None
    m = RE_LETTER.match(s)
    if m:
        if m.group(1) or prev_terminal:
            return "letter", m.group(1) or m.group(2), m.end()
        return None
    m = RE_BULLET.match(s)
    if m:
        rest = s[m.end():]
        if rest[:1].islower() and not prev_terminal:
            return None  # a wrapped line that starts with a hyphen
        return ("plus" if m.group(1) == "+" else "dash"), None, m.end()
    return None


def _starts_new(line: str, prev_line: str, block_lines: int, block_marked: bool, head: str,
                is_heading: Callable[[str], bool] | None) -> bool:
    first = line[:1]
    starts_cap = first.isupper() or first.isdigit() or first in "(\"“'"
    if prev_line.rstrip().endswith(TERMINAL) and starts_cap:
        return True
    if block_marked and block_lines == 1 and starts_cap:
        if _is_upper(head) or (is_heading is not None and is_heading(head)):
            return True
        words = fold(head).lower().split()
        if len(words) <= 10 and words and words[-1] not in CONNECTORS and not head.rstrip().endswith(","):
            return True
    return False


def _is_upper(s: str) -> bool:
    letters = [c for c in s if c.isalpha()]
    return bool(letters) and all(c.isupper() for c in letters)


def parse_body(lines: list[MText], is_heading: Callable[[str], bool] | None = None) -> Body:
    """Blocks from the body lines, then the tree. ``is_heading(text)`` tells a line that only names
    agencies ("4. Đề nghị Ủy ban MTTQ tỉnh, Tỉnh đoàn, Hội Liên hiệp Phụ nữ tỉnh"), however long."""
    raw: list[tuple[str | None, str | None, Span | None, list[MText]]] = []
    last_num: dict[str, int] = {}
    ctx_num: str | None = None
    prev: str | None = None
    for line in lines:
        s = line.s
        if not s.strip():
            continue
        mk = _marker(s, prev, last_num, ctx_num)
        if mk:
            style, label, length = mk
            if style == "num":
                last_num["num"] = int(label)
                ctx_num = label
            elif style == "roman":
                last_num["num"] = 0
            raw.append((style, label, line.span(0, length), [line[length:]]))
        elif not raw:
            raw.append((None, None, None, [line]))
        else:
            style, _label, _span, block = raw[-1]
            if _starts_new(s, prev or "", len(block), style is not None, block[0].s, is_heading):
                raw.append((None, None, None, [line]))
            else:
                block.append(line)
        prev = s
    return _tree(raw, is_heading)


def _tree(raw, is_heading: Callable[[str], bool] | None = None) -> Body:
    root = Node(None, None, MText.of(""))
    stack: list[Node] = []
    nodes: list[Node] = []
    floating: list[Node] = []
    last_marked = max((k for k, r in enumerate(raw) if r[0] is not None), default=-1)
    for k, (style, label, span, block) in enumerate(raw):
        node = Node(style, label, flatten(MText.join(" ", block)), span, index=k)
        if style is not None and is_heading is not None and len(node.text.s) < 300:
            node.names_agencies = is_heading(node.text.s)
        nodes.append(node)
        if style is None:
            top = stack[-1] if stack else None
            if top is None or top.is_bullet:
                node.floating = True
            elif k > last_marked and (top.content or not top.heading_like() or top.children):
                node.floating = True
            if node.floating:
                node.parent = root
                floating.append(node)
            else:
                node.parent = top
                top.content.append(node)
            continue
        styles = [n.style for n in stack]
        if style in styles:
            while stack and stack[-1].style != style:
                stack.pop()
            stack.pop()
        parent = stack[-1] if stack else root
        node.parent = parent
        parent.children.append(node)
        stack.append(node)
    return Body(root, floating, nodes)


def section_filter(body: Body) -> set[int]:
    """Indexes of sections that cannot hold tasks (purpose, situation, targets, budget...).

    Among sibling sections, when one is the implementation section ("TỔ CHỨC THỰC HIỆN",
    "PHÂN CÔNG NHIỆM VỤ"), those before it are excluded; otherwise sections whose heading is
    purpose/requirements/targets/situation/budget are. Looked at down to two levels.
    """
    excluded: set[int] = set()

    def visit(siblings: list[Node], depth: int) -> None:
        heads = {n.index: " ".join(fold(n.heading_text()).lower().split())
                 for n in siblings if n.heading_like() and not n.is_bullet and not n.names_agencies}
        implement = [i for i, h in heads.items() if SECTION_IMPLEMENT.search(h)]
        for n in siblings:
            if implement and n.index < min(implement):
                excluded.add(n.index)
            elif n.index in heads and SECTION_NO_TASKS.match(heads[n.index]):
                excluded.add(n.index)
            elif depth < 2 and n.children:
                visit(n.children, depth + 1)

    visit(body.root.children, 1)
    return excluded


def top_section(node: Node) -> Node | None:
    while node.parent is not None and node.parent.style is not None:
        node = node.parent
    return node if node.style is not None else None


def all_text_blocks(body: Body):
    """Every paragraph (numbered, bullet, content, floating) in body order."""
    return sorted(body.nodes, key=lambda n: n.index)

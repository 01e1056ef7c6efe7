"""Text normalisation that remembers where every character came from.

The parser never works on the raw text: it works on an :class:`MText`, a string whose every
character carries the ``[start, end)`` range of the original text it was made from. Highlighting a
recognised piece in the source is then ``mtext.span(i, j)``.

:func:`normalize` does, in order: Unicode NFC (NFD input, old tone placement stays as typed),
markdown ``*``/``**`` removed (a leading ``* `` bullet becomes ``- ``), every dash to ``-``, odd
spaces to plain spaces, runs of spaces collapsed, lines stripped, no space before ``, ; : . ) ?``,
and PDF-extraction splits repaired ("t ỉnh" → "tỉnh", "p hải" → "phải", "kiến ngh ị" → "kiến
nghị"). Line breaks are kept: the structure parser needs them.

:func:`fold` strips every diacritic (đ → d) and keeps case and length, so a regular expression run
on the folded text gives spans that are valid in the unfolded one.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Callable, Iterable

Span = tuple[int, int]


class MText:
    """A string plus, per character, the original ``[start, end)`` it stands for."""

    __slots__ = ("s", "a", "b")

    def __init__(self, s: str, a: list[int], b: list[int]):
        self.s, self.a, self.b = s, a, b

    @classmethod
    def of(cls, s: str) -> "MText":
        return cls(s, list(range(len(s))), list(range(1, len(s) + 1)))

    def __len__(self) -> int:
        return len(self.s)

    def __str__(self) -> str:
        return self.s

    def __repr__(self) -> str:
        return f"MText({self.s!r})"

    def __getitem__(self, key: slice) -> "MText":
        return MText(self.s[key], self.a[key], self.b[key])

    def span(self, i: int = 0, j: int | None = None) -> Span | None:
        """Original span of characters ``[i, j)``; None for an empty text."""
        if j is None:
            j = len(self.s)
        if not self.s:
            return None
        i = max(0, min(i, len(self.s) - 1))
        j = max(i + 1, min(j, len(self.s)))
        return (self.a[i], self.b[j - 1])

    def sub(self, pattern: re.Pattern, repl: str | Callable[[re.Match], str]) -> "MText":
        """``re.sub`` that keeps the mapping; a replacement maps to the whole match it replaces."""
        s, a, b = self.s, self.a, self.b
        if isinstance(repl, str) and "\\" not in repl:
            literal = repl
            repl = lambda _m: literal  # noqa: E731 - skip re's template parsing per match
        out_s: list[str] = []
        out_a: list[int] = []
        out_b: list[int] = []
        last = 0
        for m in pattern.finditer(s):
            i, j = m.span()
            r = repl(m) if callable(repl) else m.expand(repl)
            if r == m.group(0):
                continue
            out_s.append(s[last:i])
            out_a.extend(a[last:i])
            out_b.extend(b[last:i])
            if r:
                if j > i:
                    st, en = a[i], b[j - 1]
                elif i < len(a):
                    st = en = a[i]
                else:
                    st = en = b[-1] if b else 0
                out_s.append(r)
                out_a.extend([st] * len(r))
                out_b.extend([en] * len(r))
            last = j
        if last == 0 and not out_s:
            return self
        out_s.append(s[last:])
        out_a.extend(a[last:])
        out_b.extend(b[last:])
        return MText("".join(out_s), out_a, out_b)

    def strip(self, chars: str | None = None) -> "MText":
        t = self.s
        left = len(t) - len(t.lstrip(chars))
        right = len(t.rstrip(chars))
        if left == 0 and right == len(t):
            return self
        return self[left:max(left, right)]

    def lines(self) -> list["MText"]:
        out, start = [], 0
        for k, ch in enumerate(self.s):
            if ch == "\n":
                out.append(self[start:k])
                start = k + 1
        out.append(self[start:])
        return out

    @staticmethod
    def join(sep: str, parts: Iterable["MText"]) -> "MText":
        out_s: list[str] = []
        out_a: list[int] = []
        out_b: list[int] = []
        first = True
        for p in parts:
            if not first and sep:
                anchor = out_b[-1] if out_b else (p.a[0] if p.a else 0)
                out_s.append(sep)
                out_a.extend([anchor] * len(sep))
                out_b.extend([anchor] * len(sep))
            first = False
            out_s.append(p.s)
            out_a.extend(p.a)
            out_b.extend(p.b)
        return MText("".join(out_s), out_a, out_b)


# --- folding ---------------------------------------------------------------------------------

def _build_fold_table() -> dict[int, str]:
    table: dict[int, str] = {}
    for cp in list(range(0xC0, 0x250)) + list(range(0x1E00, 0x1F00)):
        ch = chr(cp)
        base = "".join(c for c in unicodedata.normalize("NFD", ch) if not unicodedata.combining(c))
        if len(base) == 1 and base != ch:
            table[cp] = base
    table[ord("đ")] = "d"
    table[ord("Đ")] = "D"
    return table


_FOLD = _build_fold_table()


@functools.lru_cache(maxsize=4096)
def fold(s: str) -> str:
    """Diacritics removed, đ→d, case kept, same length (expects NFC input)."""
    if s.isascii():
        return s
    return s.translate(_FOLD)


def key(s: str) -> str:
    """Comparison key: NFC, folded, lower-case, dashes and spaces collapsed."""
    s = unicodedata.normalize("NFC", s)
    s = fold(s).lower()
    s = re.sub(r"[\u2010-\u2015\u2212]", "-", s)
    s = re.sub(r"\s*([-,;&/])\s*", r"\1", s)
    return " ".join(s.split()).strip(" .;:,")


def clean(s: str) -> str:
    """Whitespace collapsed and ends stripped of spaces and list punctuation."""
    s = " ".join(s.split())
    return s.strip(" ;,.:").strip()


def capitalize_first(s: str) -> str:
    return s[:1].upper() + s[1:] if s else s


# --- normalisation ---------------------------------------------------------------------------

def _nfc(text: str) -> MText:
    if unicodedata.is_normalized("NFC", text):
        return MText.of(text)
    out_s: list[str] = []
    out_a: list[int] = []
    out_b: list[int] = []
    i, n = 0, len(text)
    while i < n:
        j = i + 1
        while j < n and unicodedata.combining(text[j]):
            j += 1
        piece = unicodedata.normalize("NFC", text[i:j])
        out_s.append(piece)
        out_a.extend([i] * len(piece))
        out_b.extend([j] * len(piece))
        i = j
    return MText("".join(out_s), out_a, out_b)


_RE_CRLF = re.compile(r"\r\n?")
_RE_MD_BULLET = re.compile(r"(?m)^([ \t]*)\*[ \t]+(?=\S)")
_RE_DELETE = re.compile(r"[*\u200b-\u200d\ufeff\u00ad\u2060]+")
_RE_DASH = re.compile(r"[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")
_RE_ODDSPACE = re.compile(r"[\t\xa0\u2000-\u200a\u202f\u205f\u3000]")
_RE_MULTISPACE = re.compile(r" {2,}")
_RE_LINE_EDGE = re.compile(r"(?m) +$|^ +")
_RE_PIPES = re.compile(r"(?m)^[ |]+$|^ *\| *| *\| *$")
_RE_SPACE_BEFORE_PUNCT = re.compile(r" +(?=[,;:.!?)\]])")
_RE_SPACE_AFTER_OPEN = re.compile(r"(?<=[(\[]) +")

# PDF splits: a lone initial consonant (never a Vietnamese word on its own) glued back to the
# following syllable when the result is a plausible Vietnamese syllable. Legal point letters
# ("điểm c hoặc d", "điểm b khoản 2") are left alone.
_INITIALS = "ngh|ng|gh|ch|kh|nh|ph|th|tr|[bcdđghklmnpqrstvx]"
_RE_SPLIT = re.compile(
    r"(?<![\w/.\-&])(" + _INITIALS + r"|Ngh|Ng|Gh|Ch|Kh|Nh|Ph|Th|Tr|[BCDĐGHKLMNPQRSTVX])"
    r" (?=([a-zđàáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵ]\w*))"
)
_RE_SYLLABLE = re.compile(
    r"^(?:ngh|ng|gh|gi|ch|kh|nh|ph|th|tr|qu|[bcdghklmnpqrstvx])?[aeiouy]{1,3}(?:ch|ng|nh|[cmnpt])?$"
)
_VOWELS = set("aeiouy")
_POINT_WORDS = {"diem", "muc", "tiet", "khoan", "phu", "luc"}
_NOT_AFTER_POINT = {"va", "hoac", "khoan", "dieu", "muc", "diem", "cua", "tai"}


def _is_split(s: str, m: re.Match) -> bool:
    cons, nxt = m.group(1), m.group(2)
    folded_next = fold(nxt).lower()
    if folded_next in _NOT_AFTER_POINT:
        return False
    before = fold(s[max(0, m.start() - 8):m.start()]).lower().split()
    if before and before[-1] in _POINT_WORDS:
        return False
    if folded_next[0] not in _VOWELS:
        # "p hải" → "phải": the lone letter and the next one form a digraph, a vowel follows
        digraph = fold(cons).lower() + folded_next[0]
        if digraph not in {"ph", "th", "ch", "kh", "nh", "ng", "gh", "tr", "gi", "qu"}:
            return False
        if len(folded_next) < 2 or folded_next[1] not in _VOWELS | {"g", "h"}:
            return False
    return bool(_RE_SYLLABLE.match(fold(cons).lower() + folded_next))


def normalize(text: str) -> MText:
    """The parser's working text (see the module docstring); line breaks kept."""
    mt = _nfc(text)
    mt = mt.sub(_RE_CRLF, "\n")
    mt = mt.sub(_RE_MD_BULLET, r"\1- ")
    mt = mt.sub(_RE_DELETE, "")
    mt = mt.sub(_RE_DASH, "-")
    mt = mt.sub(_RE_ODDSPACE, " ")
    mt = mt.sub(_RE_MULTISPACE, " ")
    mt = mt.sub(_RE_LINE_EDGE, "")
    mt = mt.sub(_RE_PIPES, "")
    mt = mt.sub(_RE_SPACE_BEFORE_PUNCT, "")
    mt = mt.sub(_RE_SPACE_AFTER_OPEN, "")
    mt = _repair_splits(mt)
    return mt


def _repair_splits(mt: MText) -> MText:
    # the match is "t " (consonant and space); only the space is dropped so offsets stay exact
    s = mt.s
    drop: list[int] = []
    for m in _RE_SPLIT.finditer(s):
        if _is_split(s, m):
            drop.append(m.end() - 1)
    if not drop:
        return mt
    keep = sorted(set(range(len(s))) - set(drop))
    return MText("".join(s[k] for k in keep), [mt.a[k] for k in keep], [mt.b[k] for k in keep])


def flatten(mt: MText) -> MText:
    """One line: every run of whitespace (line breaks included) becomes one space."""
    s = mt.s
    if "\n" not in s and "  " not in s and "\t" not in s:
        return mt.strip()
    return mt.sub(_RE_WS, " ").strip()


_RE_WS = re.compile(r"\s*\n\s*|\s{2,}")

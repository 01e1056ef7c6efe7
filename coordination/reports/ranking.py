"""Ranking agencies by on-time rate, and Vietnamese alphabetical order for the tie-break by name."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from functools import lru_cache

from .model import AgencyFigures, RankingEntry

# Vietnamese alphabet order; ă, â, đ, ê, ô, ơ, ư are letters of their own, not accented a/d/e/o/u
_ALPHABET = ["a", "ă", "â", "b", "c", "d", "đ", "e", "ê", "f", "g", "h", "i", "j", "k", "l", "m", "n",
             "o", "ô", "ơ", "p", "q", "r", "s", "t", "u", "ư", "v", "w", "x", "y", "z"]
_LETTER_RANK = {letter: i for i, letter in enumerate(_ALPHABET)}
# marks that make a new letter (breve, circumflex, horn) and the five tones in dictionary order
_LETTER_MARKS = {"\u0306", "\u0302", "\u031b"}
_TONE_RANK = {"\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0301": 4, "\u0323": 5}


@lru_cache(maxsize=4096)  # agency names recur in every row of a report: compute each key once
def vietnamese_key(text: str) -> tuple:
    """Sort key in Vietnamese dictionary order: "Sở Tài chính" < "Sở Tư pháp" < "Sở Y tế" < "Ủy ban".

    Letters compare first (with ă after a, đ after d, ư after u), tones only break ties, and case
    and Unicode normalisation (NFC or NFD input) do not matter.
    """
    primary: list[tuple[int, int]] = []
    tones: list[int] = []
    for char in unicodedata.normalize("NFC", text.casefold()):
        decomposed = unicodedata.normalize("NFD", char)
        base = decomposed[0]
        tone = 0
        letter = base
        for mark in decomposed[1:]:
            if mark in _LETTER_MARKS:
                letter = unicodedata.normalize("NFC", letter + mark)
            elif mark in _TONE_RANK:
                tone = _TONE_RANK[mark]
        if letter in _LETTER_RANK:
            primary.append((1, _LETTER_RANK[letter]))
        else:
            # digits, spaces and punctuation sort before letters, by code point
            primary.append((0, ord(letter)))
        tones.append(tone)
    return (tuple(primary), tuple(tones), text)


def ranking_order_key(figures: AgencyFigures) -> tuple:
    """Best first: higher on-time rate, then fewer overdue tasks, then name.

    Agencies with no task fallen due yet have no rate and come after every agency that has one.
    """
    rate = figures.on_time_rate
    return (rate is None, -(rate or 0), figures.overdue, vietnamese_key(figures.agency_name))


def rank_agencies(rows: Iterable[AgencyFigures]) -> list[RankingEntry]:
    """Rank agencies for the leaders' comparison (xếp hạng).

    Ordered by :func:`ranking_order_key`. Rank numbers follow competition ranking ("1, 2, 2, 4"):
    agencies equal on both rate and overdue count share a rank, because the alphabetical
    tie-break only fixes the printing order, it is no merit. Agencies without a rate are listed
    last, all sharing the rank after the last rated agency.
    """
    ordered = sorted(rows, key=ranking_order_key)
    entries: list[RankingEntry] = []
    previous = None
    rank = 0
    for position, figures in enumerate(ordered, start=1):
        merit = (figures.on_time_rate, figures.overdue) if figures.on_time_rate is not None else (None,)
        if merit != previous:
            rank = position
            previous = merit
        entries.append(RankingEntry(rank=rank, figures=figures))
    return entries

"""Numbers as official Vietnamese documents write them: in words, and with a decimal comma."""

from __future__ import annotations

_DIGITS = ["không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín"]
_GROUPS = ["", "nghìn", "triệu", "tỷ"]


def _three(n: int, full: bool) -> list[str]:
    """Words for 0 < n < 1000; ``full`` reads a leading zero hundred ("không trăm", "linh")."""
    hundreds, tens, units = n // 100, n // 10 % 10, n % 10
    words: list[str] = []
    if hundreds or full:
        words += [_DIGITS[hundreds], "trăm"]
    if tens == 0:
        if units:
            if words:
                words.append("linh")
            words.append(_DIGITS[units])
        return words
    words += ["mười"] if tens == 1 else [_DIGITS[tens], "mươi"]
    if units == 1 and tens > 1:
        words.append("mốt")
    elif units == 5:
        words.append("lăm")
    elif units:
        words.append(_DIGITS[units])
    return words


def number_words(n: int) -> str:
    """``125`` → "một trăm hai mươi lăm", ``1005`` → "một nghìn không trăm linh năm".

    Northern usage ("linh", "nghìn"), as in documents of the provinces this is built for.
    Supports 0 ≤ n < 10¹²; larger task counts do not occur.
    """
    if n < 0 or n >= 10**12:
        raise ValueError("number out of range")
    if n == 0:
        return "không"
    groups = []
    while n:
        groups.append(n % 1000)
        n //= 1000
    words: list[str] = []
    for index in range(len(groups) - 1, -1, -1):
        value = groups[index]
        if not value:
            continue
        # every group after the leading one is read in full ("một nghìn không trăm linh năm")
        words += _three(value, full=bool(words))
        if _GROUPS[index]:
            words.append(_GROUPS[index])
    return " ".join(words)


def with_words(n: int) -> str:
    """``125 (một trăm hai mươi lăm)``: the figure and, in brackets, the words."""
    return f"{n} ({number_words(n)})"


def decimal(value: float, places: int = 1) -> str:
    """``24000`` → ``24.000``, ``37.5`` → ``37,5``: dot for thousands, decimal comma, no ``,0``."""
    text = f"{value:,.{places}f}"
    if places:
        text = text.rstrip("0").rstrip(".")
    return text.replace(",", "\0").replace(".", ",").replace("\0", ".")


def percent(ratio: float | None, places: int = 1) -> str:
    """``0.375`` → ``37,5%``; None (nothing to measure) → an em dash."""
    if ratio is None:
        return "—"
    return decimal(ratio * 100, places) + "%"

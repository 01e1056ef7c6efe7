"""Text normalisation at the boundary: NFC everywhere, and the accent-free search key."""

from __future__ import annotations

import unicodedata


def nfc(value: str | None) -> str | None:
    """Unicode NFC, so the same Vietnamese word typed on different systems compares equal."""
    if value is None:
        return None
    return unicodedata.normalize("NFC", value)


def clean(value: str | None) -> str | None:
    """NFC and stripped; empty becomes None."""
    value = nfc(value)
    if value is None:
        return None
    value = value.strip()
    return value or None


def search_key(value: str) -> str:
    """Lower-case, accent-free key: NFD, drop combining marks, đ→d, casefold, spaces collapsed.

    One code path for SQLite and PostgreSQL (see shared/STACK-NOTES.md): "Hỗ trợ người lao động"
    and "ho tro nguoi lao dong" share a key.
    """
    decomposed = unicodedata.normalize("NFD", value)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    return " ".join(stripped.casefold().split())

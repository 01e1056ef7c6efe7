"""Message extraction for the English catalog (Vietnamese is the source language).

Messages are the literals passed to ``_()`` or ``request.translate()`` in Python and to ``_()`` in
templates, plus the labels of the navigation. ``coordination messages`` refreshes the .po file,
keeping existing translations; a test fails while any message lacks an English translation.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from .i18n import LOCALE_DIR
from .paths import ROOT, TEMPLATES

_TEMPLATE_CALL = re.compile(r"""_\(\s*'((?:[^'\\]|\\.)*)'|_\(\s*"((?:[^"\\]|\\.)*)\"""")
_FUNCS = {"_", "translate"}


def _python_messages(path: Path) -> set[str]:
    found = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
            if name in _FUNCS and isinstance(node.args[0].value, str):
                found.add(node.args[0].value)
    return found


def extract() -> set[str]:
    messages: set[str] = set()
    for path in (ROOT / "coordination").rglob("*.py"):
        if "parser" in path.parts:
            continue  # the parser reads Vietnamese; it shows nothing to translate
        messages |= _python_messages(path)
    for path in TEMPLATES.rglob("*.pt"):
        for match in _TEMPLATE_CALL.finditer(path.read_text(encoding="utf-8")):
            messages.add(match.group(1) or match.group(2))
    from .navigation import NAV

    messages |= {item.label for item in NAV}
    return messages


def po_path(locale: str = "en") -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / "coordination.po"


def load(locale: str = "en") -> Catalog:
    path = po_path(locale)
    if not path.exists():
        return Catalog(locale=locale, domain="coordination")
    with path.open("rb") as handle:
        return read_po(handle, locale=locale)


def refresh(locale: str = "en") -> list[str]:
    """Add new messages to the catalog, drop vanished ones; return the untranslated ones."""
    old = load(locale)
    catalog = Catalog(locale=locale, domain="coordination", project="coordination")
    for msgid in sorted(extract()):
        existing = old.get(msgid)
        catalog.add(msgid, existing.string if existing else "")
    path = po_path(locale)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, catalog, width=0, omit_header=False)
    return [m.id for m in catalog if m.id and not m.string]

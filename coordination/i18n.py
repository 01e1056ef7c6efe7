"""Locale: Vietnamese by default, English per user; catalogs kept as .po and compiled with Babel."""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from pyramid.events import BeforeRender
from pyramid.i18n import TranslationStringFactory

from .dates import format_date, format_datetime

_ = TranslationStringFactory("coordination")

LOCALES = ("vi", "en")
DEFAULT_LOCALE = "vi"
LOCALE_DIR = Path(__file__).resolve().parent / "locale"


def locale_negotiator(request) -> str:
    user = request.identity
    if user is not None and user.language in LOCALES:
        return user.language
    chosen = request.params.get("_LOCALE_") or request.cookies.get("_LOCALE_")
    return chosen if chosen in LOCALES else DEFAULT_LOCALE


def compile_catalogs(locale_dir: Path = LOCALE_DIR) -> list[Path]:
    """Compile every ``.po`` to ``.mo`` where the ``.mo`` is missing or older (Babel)."""
    written = []
    for po_path in locale_dir.glob("*/LC_MESSAGES/*.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file)
        with mo_path.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        written.append(mo_path)
    return written


def translate(request):
    localizer = request.localizer

    def _translate(message, mapping=None):
        return localizer.translate(_(message, mapping=mapping))

    return _translate


def add_renderer_globals(event: BeforeRender) -> None:
    request = event.get("request")
    if request is None:
        return
    event.setdefault("_", request.translate)
    event.setdefault("fmt_date", format_date)
    event.setdefault("fmt_datetime", format_datetime)


def includeme(config):
    compile_catalogs()
    config.add_settings(default_locale_name=DEFAULT_LOCALE)
    config.set_locale_negotiator(locale_negotiator)
    config.add_translation_dirs("coordination:locale")
    config.add_request_method(translate, "translate", reify=True)
    config.add_subscriber(add_renderer_globals, BeforeRender)

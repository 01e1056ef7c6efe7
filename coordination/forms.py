"""Shared deform/colander pieces: CSRF field, NFC-normalised text, the renderer with translations."""

from __future__ import annotations

import colander
import deform
from pyramid.csrf import get_csrf_token
from pyramid.i18n import get_localizer
from pyramid.threadlocal import get_current_request

from .paths import TEMPLATES
from .text import clean


def _nfc_strip(value):
    if value is colander.null or not isinstance(value, str):
        return value
    return clean(value) or colander.null


class Text(colander.String):
    """A string normalised to NFC and stripped at the boundary (empty → missing)."""

    def deserialize(self, node, cstruct):
        value = super().deserialize(node, cstruct)
        return _nfc_strip(value)


@colander.deferred
def deferred_csrf_value(node, kw):
    return get_csrf_token(kw["request"])


class CSRFSchema(colander.MappingSchema):
    """Base schema for every form: renders the CSRF token that pyramid checks on POST."""

    csrf_token = colander.SchemaNode(
        colander.String(), widget=deform.widget.HiddenWidget(), default=deferred_csrf_value, missing=colander.drop
    )


def _translator(term):
    request = get_current_request()
    if request is None:
        return term
    return get_localizer(request).translate(term)


def make_form(request, schema: colander.Schema, buttons=("save",), **kw) -> deform.Form:
    """Bind the schema to the request and wrap it in a deform form with translated buttons."""
    labels = {
        "save": request.translate("Lưu"),
        "sign_in": request.translate("Đăng nhập"),
        "submit": request.translate("Gửi"),
    }
    deform_buttons = [
        deform.Button(name=b, title=labels.get(b, b), css_class="btn-primary" if i == 0 else "")
        if isinstance(b, str)
        else b
        for i, b in enumerate(buttons)
    ]
    return deform.Form(schema.bind(request=request), buttons=deform_buttons, **kw)


def validate(form: deform.Form, request):
    """The appstruct of the posted form; raises deform.ValidationFailure with messages in place."""
    return form.validate(request.POST.items())


def includeme(config):
    config.add_translation_dirs("colander:locale", "deform:locale")
    search_path = (str(TEMPLATES / "deform"), deform.Form.default_renderer.loader.search_path[-1])
    deform.Form.set_zpt_renderer(search_path, translator=_translator)

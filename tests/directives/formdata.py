"""The fields a browser posts for the directive form, built from a seed payload (peppercorn order).

What the browser sends after the clerk has clicked "add" for each recipient, reference, task and
target and filled them in; the browser test (tests/browser) drives the real widgets.
"""

from __future__ import annotations

from coordination.directives.deadlines import Deadline
from coordination.directives.forms import deadline_to_form


def _mapping(name: str, pairs: list) -> list:
    return [("__start__", f"{name}:mapping"), *pairs, ("__end__", f"{name}:mapping")]


def _sequence(name: str, items: list[list]) -> list:
    out = [("__start__", f"{name}:sequence")]
    for item in items:
        out += item
    return out + [("__end__", f"{name}:sequence")]


def _date(name: str, value) -> list:
    return _mapping(name, [("date", str(value) if value else "")])


def _text(value) -> str:
    return "" if value is None else str(value)


def _recipient(value, codes: set[str]) -> list:
    code, text = (value, "") if value in codes else ("", value)
    return _mapping("recipient", [("code", code), ("text", text)])


def _deadline(data: dict | None, name: str = "deadline") -> list:
    values = deadline_to_form(Deadline.from_json(data or {"kind": "ongoing"}))
    return _mapping(name, [
        ("kind", values.get("kind", "ongoing")),
        *_date("date", values.get("date")),
        ("month", _text(values.get("month"))),
        ("recurrence", _text(values.get("recurrence"))),
        ("day", _text(values.get("day"))),
        ("month_of_year", _text(values.get("month_of_year"))),
        ("rrule", _text(values.get("rrule"))),
        *_date("start", values.get("start")),
        *_date("end", values.get("end")),
        ("text", _text(values.get("text"))),
    ])


def directive_fields(payload: dict, csrf_token: str, codes: set[str], button: str = "save", version="") -> list:
    """Form fields for ``payload`` (the API body shape); ``codes`` are the agency and group codes
    (recipients that are not codes are typed as free text)."""
    signer = payload.get("signer") or {}
    tasks = []
    for task in payload.get("tasks", []):
        tasks.append(_mapping("task", [
            ("paragraph", _text(task.get("paragraph"))),
            ("content", task["content"]),
            ("lead", task["lead"]),
            *_sequence("coordinating", [[("coordinating", code)] for code in task.get("coordinating", [])]),
            ("report_to", _text(task.get("report_to"))),
            *_deadline(task.get("deadline")),
            *_sequence("targets", [
                _mapping("target", [("indicator", t["indicator"]), ("unit", t.get("unit", "%")),
                                    ("value", str(t["value"])), *_date("by", t.get("by"))])
                for t in task.get("targets", [])
            ]),
            ("forwards", _text(task.get("forwards"))),
        ]))
    references = [
        _mapping("reference", [("doc_type", _text(r.get("type"))), ("number", r["number"]), *_date("date", r.get("date")),
                               ("issuer", _text(r.get("issuer"))), ("title", _text(r.get("title"))),
                               ("external_document", _text(r.get("external_document")))])
        for r in payload.get("references", [])
    ]
    fields = [
        ("_charset_", "UTF-8"), ("__formid__", "directive"), ("csrf_token", csrf_token), ("version", _text(version)),
        ("type", payload["type"]), ("issuer", payload.get("issuer") or "UBND"), ("symbol", _text(payload.get("symbol"))),
        ("urgency", payload.get("urgency", "thuong")), ("place", _text(payload.get("place"))),
        ("subject", payload["subject"]),
        *_sequence("addressees", [_recipient(r, codes) for r in payload.get("addressees", [])]),
        ("body", payload.get("body", "")),
        *_sequence("references", references),
        *_sequence("tasks", tasks),
        ("signer_capacity", _text(signer.get("capacity"))), ("signer_name", _text(signer.get("name"))),
        *_sequence("copy_to", [_recipient(r, codes) for r in payload.get("copy_to", [])]),
    ]
    amendments = payload.get("amendments")
    if amendments is not None:
        fields += _sequence("amendments", [
            _mapping("amendment", [("written_task", str(a["written_task"])), *_deadline(a["deadline"])])
            for a in amendments
        ])
    return fields + [(button, button)]

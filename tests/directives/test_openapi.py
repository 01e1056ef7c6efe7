"""/api/v1/openapi.json stays true: every API route and method is described, the draft schema
matches what the API reads, and real responses validate against the documented schemas."""

from __future__ import annotations

import re

import colander

from coordination.directives import payload
from tests.directives.conftest import seed
from tests.directives.test_workflow import small

JSON_TYPES = {"object": dict, "array": list, "string": str, "integer": int, "number": (int, float), "boolean": bool,
              "null": type(None)}


def check(document: dict, schema: dict, value, path: str = "$") -> list[str]:
    """A small validator for the subset of JSON Schema the document uses."""
    if "$ref" in schema:
        return check(document, document["components"]["schemas"][schema["$ref"].rsplit("/", 1)[1]], value, path)
    problems = []
    for part in schema.get("allOf", []):
        problems += check(document, part, value, path)
    if "oneOf" in schema:
        if not any(not check(document, option, value, path) for option in schema["oneOf"]):
            problems.append(f"{path}: matches no alternative")
    types = schema.get("type")
    if types is not None:
        types = [types] if isinstance(types, str) else types
        if not any(isinstance(value, JSON_TYPES[t]) and not (t in ("integer", "number") and isinstance(value, bool))
                   for t in types):
            return problems + [f"{path}: {value!r} is not {types}"]
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{path}: {value!r} not in {schema['enum']}")
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                problems.append(f"{path}: missing {key}")
        for key, sub in schema.get("properties", {}).items():
            if key in value:
                problems += check(document, sub, value[key], f"{path}.{key}")
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            problems += check(document, schema["items"], item, f"{path}[{index}]")
    return problems


def _api_routes(app) -> dict[str, set[str]]:
    introspector = app.registry.introspector
    out: dict[str, set[str]] = {}
    for route_intr in introspector.get_category("routes"):
        route = route_intr["introspectable"]
        if not route["pattern"].startswith("/api/v1/"):
            continue
        path = re.sub(r"\{(\w+):[^}]*\}", r"{\1}", route["pattern"])
        methods = out.setdefault(path, set())
        for view in route_intr["related"]:
            if view.category_name == "views":
                wanted = view["request_methods"] or ("GET",)
                methods |= {m.lower() for m in ((wanted,) if isinstance(wanted, str) else wanted)}
    return out


def test_every_api_route_and_method_is_documented_and_nothing_else(api_for, app):
    document = api_for("canbo.stc").get("/api/v1/openapi.json", status=200).json
    documented = {path: set(operations) for path, operations in document["paths"].items()}
    assert documented == _api_routes(app)


def _names(schema: colander.SchemaNode) -> set[str]:
    return {child.name for child in schema.children}


def test_the_input_schemas_list_what_the_api_reads(api_for):
    document = api_for("chuyenvien").get("/api/v1/openapi.json").json
    schemas = document["components"]["schemas"]
    assert set(schemas["DraftInput"]["properties"]) == _names(payload.DraftJson())
    assert set(schemas["TaskInput"]["properties"]) == _names(payload.TaskJson())
    assert set(schemas["Target"]["properties"]) == _names(payload.TargetJson())
    assert set(schemas["Reference"]["properties"]) == _names(payload.ReferenceJson())
    assert set(schemas["AmendmentInput"]["properties"]) == _names(payload.AmendmentJson())
    assert {n for n in _names(payload.DraftJson()) if payload.DraftJson()[n].required} == set(
        schemas["DraftInput"]["required"])
    for example in (seed("seed_000"), seed("seed_001"), seed("seed_004"), small()):
        assert check(document, {"$ref": "#/components/schemas/DraftInput"}, example) == []


def test_real_responses_match_the_document(api_for, frozen_day):
    clerk, leader = api_for("chuyenvien"), api_for("lanhdao")
    document = clerk.get("/api/v1/openapi.json").json

    def matches(name, value):
        assert check(document, {"$ref": f"#/components/schemas/{name}"}, value) == []

    draft = clerk.post("/api/v1/directives", seed("seed_004"), status=201).json
    matches("Directive", draft)
    clerk.post(f"/api/v1/directives/{draft['id']}/submit", status=200)
    issued = leader.post(f"/api/v1/directives/{draft['id']}/issue", status=200).json
    matches("Directive", issued)
    matches("RegisterPage", leader.get("/api/v1/directives", {"q": "bao hiem"}).json)
    for item in clerk.get("/api/v1/directive-types").json:
        matches("DirectiveType", item)
    for item in clerk.get("/api/v1/agencies").json:
        matches("Agency", item)
    for item in clerk.get("/api/v1/groups").json:
        matches("Group", item)
    external = clerk.post("/api/v1/external-documents", {"type": "Công văn", "number": "1/X", "date": "2022-01-01",
                                                         "issuer": "Bộ", "subject": "S"}, status=201).json
    matches("ExternalDocument", external)
    matches("Error", clerk.post("/api/v1/directives", {}).json)
    # the checker itself notices a missing field
    assert check(document, {"$ref": "#/components/schemas/Directive"}, {k: v for k, v in issued.items() if k != "tasks"})

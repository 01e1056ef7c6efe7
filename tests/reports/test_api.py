"""``GET /api/v1/reports/consolidated``: JSON figures, file formats, 400/403 with no data."""

from __future__ import annotations

import csv
import io

import docx
import openpyxl
import pytest

from coordination.accounts.services import create_api_token

from . import dataset
from .dataset import AS_OF

URL = "/api/v1/reports/consolidated"


@pytest.fixture
def data(dbsession, demo):
    return dataset.build(dbsession)


@pytest.fixture
def call(testapp, dbsession, data):
    def get(login, status=200, **params):
        token = create_api_token(dbsession, data.people[login] if login in data.people else
                                 dataset.factories.user(dbsession, login))
        return testapp.get(URL, params=params, headers={"Authorization": f"Bearer {token}"}, status=status)
    return get


def test_json_figures_of_a_directive_as_of_a_cutoff(call, data):
    body = call("lanhdao", directive=data.directive.id, as_of="30/06/2025").json
    assert (body["as_of"], body["scope"]["kind"], body["scope"]["directive_ids"]) == ("2025-06-30", "directive", [data.directive.id])
    assert body["title"].startswith("Tình hình thực hiện nhiệm vụ được giao tại Công văn số ")
    assert body["total"] == {"assigned": 14, "completed_on_time": 4, "completed_late": 2, "open_within_deadline": 3,
                             "overdue": 5, "on_time_rate": pytest.approx(4 / 11), "average_days_overdue": pytest.approx(9.8),
                             "extensions_granted": 1, "escalations_open": 1}
    stc = next(a for a in body["agencies"] if a["agency_code"] == "STC")
    assert (stc["completed_on_time"], stc["overdue"], stc["on_time_rate"], stc["average_days_overdue"]) == (1, 1, 0.5, 18.0)
    assert [(r["rank"], r["agency_code"]) for r in body["ranking"]] == [(1, "STC"), (2, "SKHDT"), (3, "SLDTBXH"), (4, "H-VANLAM")]
    assert [t["days_overdue"] for t in body["overdue_tasks"]] == [18, 15, 10, 5, 1]
    first = body["overdue_tasks"][0]
    assert first["task_id"] == data.tasks["t8"].id and first["deadline_in_force"] == "2025-06-10"
    targets = {t["indicator"]: t for t in body["targets"]}
    assert targets["Tỷ lệ người thất nghiệp được giới thiệu việc làm"]["latest_value"] == 82.0
    assert targets["Giảm tỷ lệ thất nghiệp thành thị xuống dưới"]["reached"] is False


def test_issuer_and_date_range_filters(call, data):
    body = call("chuyenvien", issuer="UBND", **{"from": "2025-06-01", "to": "2025-06-01"}, as_of="2025-06-30").json
    assert body["scope"]["kind"] == "directives" and body["total"]["assigned"] == 14
    assert "ban hành từ ngày 01/06/2025 đến ngày 01/06/2025" in body["scope"]["description"]
    assert call("chuyenvien", issuer="UBND", **{"from": "2025-06-02"}, as_of="2025-06-30").json["total"]["assigned"] == 0


@pytest.mark.parametrize("fmt,check", [
    ("csv", lambda r: len(list(csv.reader(io.StringIO(r.body.decode("utf-8-sig"))))) == 15),
    ("xlsx", lambda r: openpyxl.load_workbook(io.BytesIO(r.body))["Danh sách nhiệm vụ"].max_row == 15),
    ("docx", lambda r: "Sở Tài chính" in "".join(c.text for t in docx.Document(io.BytesIO(r.body)).tables
                                                  for row in t.rows for c in row.cells)),
])
def test_file_formats(call, data, fmt, check):
    response = call("lanhdao", directive=data.directive.id, as_of=AS_OF.isoformat(), format=fmt)
    assert response.headers["Content-Disposition"].startswith("attachment;") and check(response)


@pytest.mark.parametrize("params,field", [
    ({"as_of": "2025-07-01"}, "as_of"),
    ({"as_of": "30/13/2025"}, "as_of"),
    ({"agency": "NOPE"}, "agency"),
    ({"issuer": "NOPE"}, "issuer"),
    ({"type": "nope"}, "type"),
    ({"directive": "abc"}, "directive"),
    ({"directive": "999999"}, "directive"),
    ({"format": "exe"}, "format"),
    ({"format": "html"}, "format"),
    ({"from": "2025-06-10", "to": "2025-06-01"}, "to"),
])
def test_bad_parameters_answer_400_naming_the_field(call, params, field):
    body = call("lanhdao", status=400, **params).json
    assert body["error"] == "invalid" and field in body["fields"] and body["fields"][field]


def test_an_agency_token_gets_its_own_scope_and_nothing_else(call, data):
    own = call("canbo.stc", as_of=AS_OF.isoformat()).json
    assert [a["agency_code"] for a in own["agencies"]] == ["STC"] and own["total"]["assigned"] == 3
    for params in ({"agency": "SLDTBXH"}, {"agency": "NO-SUCH"}):
        body = call("canbo.stc", status=403, **params).json
        assert body == {"error": "forbidden", "fields": {}}


def test_without_a_token_the_api_answers_401(testapp, data):
    assert testapp.get(URL, status=401).json["error"] == "authentication required"


def test_the_same_cutoff_gives_the_same_answer_after_later_changes(call, dbsession, data):
    before = call("lanhdao", directive=data.directive.id, as_of=AS_OF.isoformat()).json
    dataset.change_after_cutoff(dbsession, data)
    after = call("lanhdao", directive=data.directive.id, as_of=AS_OF.isoformat()).json
    assert before.pop("dated") != after.pop("dated")  # signed on the day it is made...
    assert after == before  # ...with the figures of 30/6, whatever July changed

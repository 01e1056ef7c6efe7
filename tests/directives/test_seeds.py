"""Seeds 000, 001 and 004 entered through the API and through the form, issued, and fanned out
into the tasks a reader of each document would list.

Counted by hand from the documents (tests/fixtures/directives hold the entries; agencies of Sóc Trăng
and Nghệ An are mapped by meaning onto the Hưng Yên demo province: 8 departments, 10 districts):

- seed 000 (Sóc Trăng, 5 paragraphs): 1. Sở LĐTBXH (report through Sở Nội vụ) = 1; 2. "the agencies
  assigned to lead the policies of KH 111": Sở LĐTBXH, BHXH tỉnh, NHCSXH tỉnh and every district
  = 3 + 10; 3. Sở TT&TT = 1; 4. Sở Tài chính = 1; 5. "các địa phương" = 10 districts. Total 26.
- seed 001 (Hưng Yên 1324/UBND-KGVX): 1. every department (8) and every district (10) = 18;
  2. three bullets to Sở LĐTBXH with Sở Tài chính, Sở KH&ĐT, BQL các KCN and the districts
  coordinating = 3; 3. Sở TT&TT, Báo Hưng Yên, Đài PT-TH one each = 3. Total 24.
- seed 004 (Nghệ An plan, section IV): Sở LĐTBXH 7 bullets, BHXH 6, Sở Tài chính 1, Sở KH&ĐT 1,
  BQL (KKT Đông Nam → BQL các KCN) 2, Sở TT&TT 1, Đài and Báo 1 each = 2, LĐLĐ 2, the districts
  5 bullets × 10 = 50, Trung tâm DVVL 3. Total 75.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest
from sqlalchemy import select

from coordination.demo import DEPARTMENTS, DISTRICTS
from coordination.directives.models import Directive
from coordination.organizations.models import Agency, AgencyGroup
from coordination.tasks.models import Task
from tests.conftest import login
from tests.directives.conftest import seed
from tests.directives.formdata import directive_fields

EXPECTED_TASKS = {"seed_000": 26, "seed_001": 24, "seed_004": 75}


def _codes(dbsession) -> set[str]:
    return set(dbsession.scalars(select(Agency.code))) | set(dbsession.scalars(select(AgencyGroup.code)))


def _tasks(dbsession, directive_id: int) -> list[Task]:
    return list(dbsession.scalars(select(Task).where(Task.directive_id == directive_id).order_by(Task.id)))


def _by_lead(tasks) -> Counter:
    return Counter(task.lead_agency.code for task in tasks)


def _issue_via_api(api_for, name: str) -> dict:
    clerk, leader = api_for("chuyenvien"), api_for("lanhdao")
    created = clerk.post("/api/v1/directives", seed(name), status=201).json
    clerk.post(f"/api/v1/directives/{created['id']}/submit", status=200)
    return leader.post(f"/api/v1/directives/{created['id']}/issue", status=200).json


@pytest.mark.parametrize("name", sorted(EXPECTED_TASKS))
def test_each_seed_entered_through_the_api_issues_the_tasks_a_reader_would_list(api_for, dbsession, frozen_day, name):
    issued = _issue_via_api(api_for, name)
    assert issued["status"] == "issued"
    assert len(issued["tasks"]) == EXPECTED_TASKS[name]
    assert len(_tasks(dbsession, issued["id"])) == EXPECTED_TASKS[name]
    assert [t["content"] for t in issued["written_tasks"]] == [t["content"] for t in seed(name)["tasks"]]
    # every task of the response carries its id, lead, coordinating agencies, deadline and status
    for task in issued["tasks"]:
        assert {"id", "lead", "coordinating", "deadline", "status"} <= set(task)
        assert task["status"] == "assigned"
        assert task["lead"] not in task["coordinating"]


def test_seed_001_groups_expand_to_every_department_and_district(api_for, dbsession, frozen_day):
    issued = _issue_via_api(api_for, "seed_001")
    tasks = _tasks(dbsession, issued["id"])
    paragraph_1 = [t for t in tasks if t.paragraph == "1"]
    assert sorted(t.lead_agency.code for t in paragraph_1) == sorted(DEPARTMENTS + DISTRICTS)
    paragraph_2 = [t for t in tasks if t.paragraph == "2"]
    assert _by_lead(paragraph_2) == {"SLDTBXH": 3}
    for task in paragraph_2:
        assert {a.code for a in task.coordinating_agencies} == {"STC", "SKHDT", "BQLKCN", *DISTRICTS}
    housing = paragraph_2[0]
    assert housing.deadline_kind == "month"
    assert housing.original_deadline == housing.deadline_in_force == dt.date(2022, 8, 31)
    assert housing.deadline_text == "Đảm bảo hoàn thành trong tháng 8/2022"
    assert {t.deadline_kind for t in paragraph_2[1:]} == {"ongoing"}
    paragraph_3 = [t for t in tasks if t.paragraph == "3"]
    assert sorted(t.lead_agency.code for t in paragraph_3) == ["BAO", "DAI", "STTTT"]
    assert {a.code for a in paragraph_3[0].coordinating_agencies} == {"SLDTBXH", "BHXH", *DISTRICTS}
    # the header as written: number in the register, signer, recipients in order, the reference
    assert issued["number"] == "1/UBND-KGVX" and issued["date"] == "2022-05-25"
    assert issued["signer"] == {"name": "Nguyễn Duy Hưng", "capacity": "TM. ỦY BAN NHÂN DÂN\nKT. CHỦ TỊCH\nPHÓ CHỦ TỊCH"}
    assert [r.get("code") or r.get("text") for r in issued["addressees"]] == ["SO-NGANH", "HUYEN"]
    assert [r.get("code") or r.get("text") for r in issued["copy_to"]] == [
        "Như trên", "Chủ tịch, các PCT UBND tỉnh", "Lãnh đạo VP UBND tỉnh", "Lưu: VT, KGVX"]
    assert issued["references"][0] == {
        "number": "431/CĐ-TTg", "type": "Công điện", "date": "2022-05-19", "issuer": "Thủ tướng Chính phủ",
        "title": seed("seed_001")["references"][0]["title"], "external_document": None}


def test_seed_000_reports_through_the_department_of_home_affairs_and_expands_the_localities(api_for, dbsession, frozen_day):
    issued = _issue_via_api(api_for, "seed_000")
    tasks = _tasks(dbsession, issued["id"])
    first = [t for t in tasks if t.paragraph == "1"]
    assert len(first) == 1 and first[0].lead_agency.code == "SLDTBXH" and first[0].report_to.code == "SNV"
    assert _by_lead(t for t in tasks if t.paragraph == "2") == Counter(
        {"SLDTBXH": 1, "BHXH": 1, "NHCSXH": 1, **{code: 1 for code in DISTRICTS}})
    assert sorted(t.lead_agency.code for t in tasks if t.paragraph == "5") == sorted(DISTRICTS)
    finance = next(t for t in tasks if t.paragraph == "4")
    # "phối hợp các sở, ngành liên quan và các địa phương": the department is not its own coordinator
    assert {a.code for a in finance.coordinating_agencies} == (set(DEPARTMENTS) - {"STC"}) | set(DISTRICTS)
    assert [r.get("code") or r.get("text") for r in issued["addressees"]] == ["SO-NGANH", "BHXH", "NHCSXH", "HUYEN"]


def test_seed_004_keeps_its_targets_and_the_yearly_report_before_15_december(api_for, dbsession, frozen_day):
    issued = _issue_via_api(api_for, "seed_004")
    tasks = _tasks(dbsession, issued["id"])
    assert issued["number"] == "1/KH-UBND"
    assert _by_lead(tasks) == Counter({"SLDTBXH": 7, "BHXH": 6, "STC": 1, "SKHDT": 1, "BQLKCN": 2, "STTTT": 1,
                                       "DAI": 1, "BAO": 1, "LDLD": 2, "TTDVVL": 3, **{code: 5 for code in DISTRICTS}})
    first = tasks[0]
    assert first.rrule == "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=15"
    assert (first.rrule_start, first.rrule_end) == (dt.date(2021, 1, 1), dt.date(2030, 12, 31))
    assert first.original_deadline == dt.date(2022, 12, 15)  # the first report due after issuing on 25/5/2022
    assert {t.report_to.code for t in tasks if t.lead_agency.code != "SLDTBXH"} == {"SLDTBXH"}
    assert all(t.report_to is None for t in tasks if t.lead_agency.code == "SLDTBXH")
    targets = {(t["indicator"], t["value"], t["by"]) for t in issued["written_tasks"][0]["targets"]}
    for value, year in ((80, 2025), (60, 2025), (85, 2025), (90, 2030), (70, 2030), (90, 2030)):
        assert any(v == value and by == f"{year}-12-31" for _i, v, by in targets), (value, year)
    directive = dbsession.get(Directive, issued["id"])
    assert [round(t.value) for t in directive.tasks[0].targets] == [100, 80, 60, 100, 85, 90, 70, 90]


def _post_form(testapp, dbsession, payload: dict, button: str = "submit"):
    page = testapp.get("/directives/new")
    csrf = page.forms["directive"]["csrf_token"].value
    return testapp.post("/directives/new", directive_fields(payload, csrf, _codes(dbsession), button=button))


@pytest.mark.parametrize("name", sorted(EXPECTED_TASKS))
def test_each_seed_entered_through_the_form_is_the_same_directive_as_through_the_api(
        testapp, dbsession, demo, api_for, frozen_day, name):
    login(testapp, "chuyenvien")
    response = _post_form(testapp, dbsession, seed(name))
    assert response.status_int == 303, response.text[:3000]
    directive_id = int(response.location.rstrip("/").rsplit("/", 1)[1])
    testapp.reset()
    login(testapp, "lanhdao")
    sign = testapp.get(f"/directives/{directive_id}/issue")
    assert sign.forms["issue"]["signer_name"].value == seed(name)["signer"]["name"]
    issued = sign.forms["issue"].submit("issue")
    assert issued.status_int == 303
    assert len(_tasks(dbsession, directive_id)) == EXPECTED_TASKS[name]

    from_form = api_for("lanhdao").get(f"/api/v1/directives/{directive_id}").json
    from_api = _issue_via_api(api_for, name)
    for key in ("type", "subject", "body", "place", "urgency", "signer", "addressees", "copy_to", "references"):
        assert from_form[key] == from_api[key], key
    strip = [{k: v for k, v in t.items() if k != "id"} for t in from_form["written_tasks"]]
    assert strip == [{k: v for k, v in t.items() if k != "id"} for t in from_api["written_tasks"]]
    assert [(t["lead"], t["coordinating"], t["deadline"]) for t in from_form["tasks"]] == [
        (t["lead"], t["coordinating"], t["deadline"]) for t in from_api["tasks"]]


def test_a_form_with_a_bad_deadline_shows_the_message_in_place_and_stores_nothing(testapp, dbsession, demo, frozen_day):
    login(testapp, "chuyenvien")
    payload = seed("seed_001")
    payload["tasks"] = payload["tasks"][2:3]
    fields = directive_fields(payload, testapp.get("/directives/new").forms["directive"]["csrf_token"].value,
                              _codes(dbsession))
    fields = [(k, "13/2022" if k == "month" and v else v) for k, v in fields]
    response = testapp.post("/directives/new", fields)
    assert response.status_int == 200
    assert "Nhập tháng dạng MM/YYYY" in response.text
    assert dbsession.scalar(select(Directive.id)) is None

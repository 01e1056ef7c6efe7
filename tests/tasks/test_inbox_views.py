"""The inbox page and the API's task list read a fixed number of statements however many tasks
they show (the page reads plain rows; the API's ``API_LOADING`` loads only what it shows, and an
attribute it left out would be loaded once per row), and show what they did before."""

import datetime as dt

import pytest
from sqlalchemy import event

from coordination import clock
from coordination.accounts.services import create_api_token
from coordination.tasks.models import COMPLETED
from tests.conftest import login

from . import factories


@pytest.fixture(autouse=True)
def _june():
    clock.set_now(dt.datetime(2025, 6, 1, 9, 0))


class Statements:
    """The reads sent on the test's connection (which the app's requests share). Writes are left
    out: an API token's ``last_used_at`` is written only when it changes."""

    def __init__(self, dbsession):
        self.connection = dbsession.connection()
        self.seen: list[str] = []

    def __enter__(self):
        event.listen(self.connection, "before_cursor_execute", self.count)
        return self.seen

    def __exit__(self, *exc):
        event.remove(self.connection, "before_cursor_execute", self.count)

    def count(self, conn, cursor, statement, parameters, context, executemany):
        if statement.startswith("SELECT"):
            self.seen.append(statement)


def _tasks(dbsession, n, **kw):
    """``n`` tasks over as many directives (the most directives and agencies a page can show)."""
    return [factories.task(dbsession, directive_obj=factories.directive(dbsession, subject=f"Văn bản {i}"),
                           content=f"Nhiệm vụ số {i:02d}", deadline=dt.date(2025, 7, 1) + dt.timedelta(days=i), **kw)
            for i in range(n)]


def _statements_of(testapp, dbsession, path, **kw):
    """The statements of one GET, every object read afresh (nothing left in the identity map by
    the test's own writes)."""
    dbsession.flush()
    dbsession.expunge_all()
    with Statements(dbsession) as seen:
        response = testapp.get(path, **kw)
    return response, seen


@pytest.mark.parametrize("role,officer", [("lead", "canbo.sldtbxh"), ("coordinating", "canbo.stc")])
def test_the_inbox_page_reads_as_many_statements_for_two_tasks_as_for_twenty(testapp, dbsession, people, role, officer):
    _tasks(dbsession, 2)
    login(testapp, officer)
    small, few = _statements_of(testapp, dbsession, "/inbox", params={"role": role})
    _tasks(dbsession, 18)
    large, many = _statements_of(testapp, dbsession, "/inbox", params={"role": role})
    assert len(small.html.select("table.inbox tbody tr")) == 2
    assert len(large.html.select("table.inbox tbody tr")) == 20
    assert len(many) == len(few), "\n\n".join(many)
    # session and user, the page's rows (its keys joined to the tasks, directives and lead
    # agencies), the counts, the issuers: no statement per row
    assert len(many) <= 5, "\n\n".join(many)
    # and the rows' statement leaves out the directives' text and the agencies' aliases
    rows_read, = (sql for sql in many if "tasks.content" in sql)
    assert not any(column in rows_read for column in ("body", "search_key", "aliases", "kind_id", "created_at"))


def test_an_inbox_row_shows_the_directive_the_deadlines_the_status_and_links_to_the_task(testapp, dbsession, people):
    task, = _tasks(dbsession, 1)
    task.deadline_in_force = dt.date(2025, 9, 30)  # extended: the original deadline is shown too
    sub = factories.task(dbsession, directive_obj=task.directive, content="Nhiệm vụ con của sở")
    sub.parent_id = task.id
    done = factories.task(dbsession, directive_obj=task.directive, content="Nhiệm vụ đã xong", deadline=dt.date(2025, 5, 1))
    done.status, done.completed_on = COMPLETED, dt.date(2025, 4, 28)
    number, task_id = task.directive.number_symbol, task.id
    login(testapp, "canbo.sldtbxh")
    page, _seen = _statements_of(testapp, dbsession, "/inbox")
    rows = {r.select_one("td:nth-of-type(2) a").text: r for r in page.html.select("table.inbox tbody tr")}
    row = rows["Nhiệm vụ số 00"]
    cells = [" ".join(td.get_text(" ").split()) for td in row.select("td")]
    assert cells[0] == f"{number} 25/05/2025"
    assert cells[2] == "30/09/2025 Hạn ban đầu: 01/07/2025"
    assert cells[3] == "Mới giao" and cells[4] == "Đang thực hiện trong hạn"
    assert row.select_one("td:nth-of-type(2) a")["href"] == f"http://example.com/tasks/{task_id}"
    assert "Nhiệm vụ con" in " ".join(rows["Nhiệm vụ con của sở"].text.split())
    assert "Hoàn thành đúng hạn" in " ".join(rows["Nhiệm vụ đã xong"].text.split())
    issuers = [o.text for o in page.html.select("select[name=issuer] option")]
    assert issuers == ["Tất cả", "UBND tỉnh"]


def test_the_coordinating_tab_names_the_lead_agency(testapp, dbsession, people):
    _tasks(dbsession, 1)
    login(testapp, "canbo.stc")
    page, _seen = _statements_of(testapp, dbsession, "/inbox", params={"role": "coordinating"})
    lead = page.html.select("table.inbox tbody tr td")[2].text.strip()
    assert lead == factories.agency(dbsession, "SLDTBXH").short_name


def test_the_inbox_is_in_english_when_asked(testapp, dbsession, people):
    _tasks(dbsession, 1)
    people["canbo.sldtbxh"].language = "en"  # the officer's choice, kept on the account
    login(testapp, "canbo.sldtbxh")
    page = testapp.get("/inbox")
    row = page.html.select_one("table.inbox tbody tr")
    assert "Newly assigned" in row.text and "In progress, within deadline" in row.text and "Mới giao" not in row.text
    assert "In progress, within deadline" in page.html.select_one("select[name=timeliness]").text


def test_the_api_task_list_reads_as_many_statements_for_two_tasks_as_for_twenty(testapp, dbsession, people):
    token = create_api_token(dbsession, people["canbo.sldtbxh"], scope="api")
    headers = {"Authorization": f"Bearer {token}"}
    _tasks(dbsession, 2, coordinating=("STC", "SYT"))
    small, few = _statements_of(testapp, dbsession, "/api/v1/tasks", headers=headers)
    _tasks(dbsession, 18, coordinating=("STC",))
    large, many = _statements_of(testapp, dbsession, "/api/v1/tasks", headers=headers)
    assert len(small.json["tasks"]) == 2 and len(large.json["tasks"]) == 20
    assert len(many) == len(few), "\n\n".join(few)
    first = small.json["tasks"][0]
    assert first["coordinating_agencies"] == ["STC", "SYT"] or sorted(first["coordinating_agencies"]) == ["STC", "SYT"]
    assert first["directive"]["subject"] == "Văn bản 0" and first["directive"]["issuer"] == "UBND"
    assert first["created_at"] and first["lead_agency"] == "SLDTBXH"

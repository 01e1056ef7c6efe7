"""Accent-insensitive Vietnamese search over number, subject and body, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from coordination.directives import queries, search, services
from coordination.directives.payload import draft_from_json
from tests.conftest import login
from tests.directives.conftest import seed, user
from tests.directives.test_workflow import small


def found(dbsession, q: str, **filters) -> list[int]:
    return [d.id for d in queries.register(dbsession, queries.RegisterFilter(q=q, limit=200, **filters)).items]


@pytest.fixture
def documents(dbsession, issue, frozen_day):
    one = issue(seed("seed_001")).directive      # "hỗ trợ người lao động", "đảm bảo an sinh xã hội"
    plan = issue(seed("seed_004")).directive     # "bảo hiểm thất nghiệp"
    hanoi = issue(small(subject="V/v làm việc với đoàn công tác tại Hà Nội")).directive
    return {"001": one.id, "004": plan.id, "hanoi": hanoi.id}


def test_the_key_drops_accents_folds_d_and_splits_punctuation():
    assert search.words("Hỗ trợ NGƯỜI lao động; Đảm bảo") == ["ho", "tro", "nguoi", "lao", "dong", "dam", "bao"]
    assert search.directive_key("1324/UBND-KGVX", "V/v Hà Nội", "") == " 1324 ubnd kgvx v v ha noi "
    assert search.words("ho tro") == search.words("hỗ trợ")


@pytest.mark.parametrize("query, expected", [
    ("ho tro nguoi lao dong", {"001"}),
    ("hỗ trợ người lao động", {"001"}),
    ("HỖ TRỢ Người Lao Động", {"001"}),
    ("dam bao an sinh xa hoi", {"001"}),          # đ typed as d
    ("đảm bảo an sinh", {"001"}),
    ("bao hiem that nghiep", {"004"}),
    ("ha noi", {"hanoi"}),                         # two marks on ộ (remove_diacritics 2 on SQLite)
    ("nguoi dong", set()),                         # the words are there, but not as a phrase
    ("không có văn bản nào nói điều này", set()),
    ("1/UBND-KGVX", {"001"}),                      # the number, once issued
    ("1/kh ubnd", {"004"}),
])
def test_accent_insensitive_phrase_search(dbsession, documents, query, expected):
    assert set(found(dbsession, query)) == {documents[name] for name in expected}


def test_search_combines_with_the_other_filters(dbsession, documents):
    assert found(dbsession, "lao dong", type="ke-hoach") == [documents["004"]]
    assert found(dbsession, "lao dong", status="draft") == []
    assert found(dbsession, "???") == found(dbsession, "")  # no word: no filter


def test_the_index_follows_edits_and_deletions_of_drafts(dbsession, demo):
    clerk = user(dbsession, "chuyenvien")
    draft = services.create_draft(dbsession, draft_from_json(small(subject="V/v phòng chống lụt bão")), clerk)
    assert found(dbsession, "phong chong lut bao") == [draft.id]
    services.update_draft(dbsession, draft, draft_from_json(small(subject="V/v phòng cháy chữa cháy")), clerk)
    assert found(dbsession, "phong chong lut bao") == []
    assert found(dbsession, "phong chay chua chay") == [draft.id]
    services.delete_draft(dbsession, draft, clerk)
    other = services.create_draft(dbsession, draft_from_json(small(subject="V/v tiêm chủng")), clerk)
    assert found(dbsession, "phong chay") == [] and found(dbsession, "tiem chung") == [other.id]


def test_the_register_page_searches_without_accents(testapp, dbsession, documents):
    login(testapp, "lanhdao")
    page = testapp.get("/directives", params={"q": "ho tro nguoi lao dong"})
    links = [a["href"] for a in page.html.select("table.register a")]
    assert links == [f"http://example.com/directives/{documents['001']}"]


def test_sqlite_keeps_the_fts_table_and_its_triggers_at_the_head_revision(dbsession, backend):
    if backend != "sqlite":
        pytest.skip("SQLite only")
    names = set(dbsession.scalars(text("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")))
    assert {search.FTS_TABLE, "directives_fts_insert", "directives_fts_delete", "directives_fts_update"} <= names


@pytest.mark.postgresql_only
def test_postgresql_answers_from_the_gin_index(dbsession, backend, documents):
    if backend != "postgresql":
        pytest.skip("PostgreSQL only")
    dbsession.execute(text("SET LOCAL enable_seqscan = off"))
    where = search.matches("postgresql", "ho tro nguoi lao dong", None, None)
    compiled = where.compile(dialect=dbsession.get_bind().dialect, compile_kwargs={"literal_binds": True})
    plan = "\n".join(dbsession.scalars(text(f"EXPLAIN SELECT id FROM directives WHERE {compiled}")))
    assert search.PG_INDEX in plan, plan

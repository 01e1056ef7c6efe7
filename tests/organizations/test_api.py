"""The registry API, with token and session authentication."""

import pytest
from sqlalchemy import select

from coordination.accounts.models import ApiToken, User
from coordination.accounts.services import create_api_token, revoke_api_token
from tests.conftest import login


@pytest.fixture
def token(dbsession, demo):
    user = dbsession.scalar(select(User).where(User.login == "canbo.sldtbxh"))
    return create_api_token(dbsession, user)


def test_agencies_and_groups_with_a_bearer_token(testapp, token):
    headers = {"Authorization": f"Bearer {token}"}
    agencies = testapp.get("/api/v1/agencies", headers=headers).json
    by_code = {a["code"]: a for a in agencies}
    assert by_code["SLDTBXH"] == {
        "code": "SLDTBXH",
        "name": "Sở Lao động - Thương binh và Xã hội",
        "short_name": "Sở LĐTBXH",
        "kind": "department",
        "parent": "UBND",
        "email": "sldtbxh@hungyen.gov.vn",
        "aliases": ["Sở Lao động – Thương binh và Xã hội", "Sở LĐ-TB&XH", "Sở Lao động, Thương binh và Xã hội"],
        "active": True,
    }
    groups = {g["code"]: g for g in testapp.get("/api/v1/groups", headers=headers).json}
    assert len(groups["HUYEN"]["members"]) == 10
    assert "SLDTBXH" in groups["SO-NGANH"]["members"]


def test_api_with_a_session_works_too(testapp, demo):
    login(testapp, "canbo.stc")
    assert len(testapp.get("/api/v1/agencies").json) >= 26


def test_no_credentials_wrong_token_and_revoked_token_get_401(testapp, token, dbsession):
    testapp.get("/api/v1/agencies", status=401)
    testapp.get("/api/v1/agencies", headers={"Authorization": "Bearer nope"}, status=401)
    row = dbsession.scalar(select(ApiToken))
    revoke_api_token(row)
    dbsession.flush()
    response = testapp.get("/api/v1/agencies", headers={"Authorization": f"Bearer {token}"}, status=401)
    assert response.json["error"]


def test_only_the_token_hash_is_stored(dbsession, token):
    row = dbsession.scalar(select(ApiToken))
    assert token not in row.token_hash and len(row.token_hash) == 64

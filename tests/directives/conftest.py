"""Helpers for the directives tests: the seed payloads, API tokens, a directive issued through the services."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import pytest
from sqlalchemy import select

from coordination import clock
from coordination.accounts.models import User
from coordination.accounts.services import create_api_token
from coordination.directives import services
from coordination.directives.payload import draft_from_json

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "directives"


def seed(name: str) -> dict:
    """A seed directive as the JSON body of POST /api/v1/directives (tests/fixtures/directives)."""
    return json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))


def user(dbsession, login: str) -> User:
    return dbsession.scalar(select(User).where(User.login == login))


class Api:
    """A token client: ``api.post("/api/v1/directives", body)`` → webtest response (any status)."""

    def __init__(self, testapp, token: str):
        self.testapp = testapp
        self.headers = {"Authorization": f"Bearer {token}"}

    def get(self, path, params=None, status="*"):
        return self.testapp.get(path, params=params or {}, headers=self.headers, status=status)

    def post(self, path, body=None, status="*"):
        return self.testapp.post_json(path, body if body is not None else {}, headers=self.headers, status=status)

    def put(self, path, body, status="*"):
        return self.testapp.put_json(path, body, headers=self.headers, status=status)


@pytest.fixture
def api_for(testapp, dbsession, demo):
    def make(login: str) -> Api:
        return Api(testapp, create_api_token(dbsession, user(dbsession, login), label="test"))

    return make


@pytest.fixture
def frozen_day():
    """Issue dates are today's: the seeds are issued on their own dates."""
    clock.set_now(dt.datetime(2022, 5, 25, 9, 0))
    return dt.date(2022, 5, 25)


@pytest.fixture
def issue(dbsession, demo):
    """Draft, submit and issue a payload through the services (as chuyenvien, then lanhdao)."""

    def run(payload: dict):
        clerk, leader = user(dbsession, "chuyenvien"), user(dbsession, "lanhdao")
        directive = services.create_draft(dbsession, draft_from_json(copy.deepcopy(payload)), clerk)
        services.submit_directive(dbsession, directive, clerk)
        return services.issue_directive(dbsession, directive, leader)

    return run

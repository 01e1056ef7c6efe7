"""Numbers under concurrent issuing: two transactions never get the same number.

Run on PostgreSQL with real concurrent transactions (threads, each with its own connection) in a
throwaway database of its own, since the transactions must commit.
"""

from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import select

from coordination import clock
from coordination.db import get_session_factory
from coordination.demo import load_demo
from coordination.directives import numbering, services
from coordination.directives.models import Directive
from coordination.directives.payload import draft_from_json
from tests.directives.conftest import user
from tests.directives.test_workflow import small

pytestmark = pytest.mark.postgresql_only


def test_concurrent_issuers_get_distinct_sequential_numbers(pg_engine):
    clock.set_now(None)
    factory = get_session_factory(pg_engine)
    with factory.begin() as session:
        load_demo(session)
    ids = []
    with factory.begin() as session:
        clerk = user(session, "chuyenvien")
        for i in range(8):
            directive = services.create_draft(session, draft_from_json(small(subject=f"V/v song song {i}")), clerk)
            services.submit_directive(session, directive, clerk)
            ids.append(directive.id)

    barrier = threading.Barrier(len(ids))
    errors = []

    def issue(directive_id):
        try:
            with factory.begin() as session:
                barrier.wait(timeout=10)
                services.issue_directive(session, session.get(Directive, directive_id), user(session, "lanhdao"))
        except Exception as exc:  # noqa: BLE001  (reported below)
            errors.append(exc)

    threads = [threading.Thread(target=issue, args=(directive_id,)) for directive_id in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    with factory() as session:
        numbers = sorted(session.scalars(select(Directive.number).where(Directive.id.in_(ids))))
    assert numbers == list(range(1, len(ids) + 1))


def test_a_second_issuer_waits_for_the_first_and_takes_the_next_number(pg_engine):
    factory = get_session_factory(pg_engine)
    first_has_number = threading.Event()
    release_first = threading.Event()
    taken = {}

    def first():
        with factory.begin() as session:
            taken["first"] = numbering.next_number(session, "TEST/lock", 2030)
            first_has_number.set()
            release_first.wait(timeout=10)

    def second():
        first_has_number.wait(timeout=10)
        with factory.begin() as session:
            started = time.monotonic()
            taken["second"] = numbering.next_number(session, "TEST/lock", 2030)
            taken["waited"] = time.monotonic() - started

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    first_has_number.wait(timeout=10)
    time.sleep(0.5)          # the second issuer is blocked on the counter row meanwhile
    assert "second" not in taken
    release_first.set()
    for thread in threads:
        thread.join(timeout=30)
    assert (taken["first"], taken["second"]) == (1, 2)
    assert taken["waited"] >= 0.4


def test_a_number_taken_by_a_transaction_that_rolls_back_is_given_again(pg_engine):
    factory = get_session_factory(pg_engine)
    with factory() as session:
        session.begin()
        assert numbering.next_number(session, "TEST/rollback", 2030) == 1
        session.rollback()
    with factory.begin() as session:
        assert numbering.next_number(session, "TEST/rollback", 2030) == 1

import datetime as dt

import pytest

from coordination import clock

from . import factories


@pytest.fixture
def people(dbsession, demo):
    """The demo users by login, plus a head of STC and a leader for the tests that need them."""
    from coordination.accounts import services

    found = {login: factories.user(dbsession, login) for login in (
        "lanhdao", "chuyenvien", "giamdoc.sldtbxh", "canbo.sldtbxh", "canbo.stc", "canbo.vanlam", "admin")}
    found["giamdoc.stc"] = services.create_user(
        dbsession, login="giamdoc.stc", full_name="Giám đốc Sở Tài chính", agency=factories.agency(dbsession, "STC"),
        roles=["agency_head"], password="giamdoc.stc-password")
    found["canbo.ttdvvl"] = services.create_user(
        dbsession, login="canbo.ttdvvl", full_name="Cán bộ TT DVVL", agency=factories.agency(dbsession, "TTDVVL"),
        roles=["agency_officer"], password="canbo.ttdvvl-password")
    return found


@pytest.fixture
def frozen_today():
    """Freeze the clock at 10:00 on 1 June 2025, Vietnam time."""
    clock.set_now(dt.datetime(2025, 6, 1, 10, 0))
    return dt.date(2025, 6, 1)

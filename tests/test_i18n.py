"""Every message shown in the interface has an English translation; dates read dd/mm/yyyy."""

import datetime as dt

from coordination import catalog
from coordination.dates import format_date, format_datetime, long_date


def test_every_interface_message_has_an_english_translation():
    english = catalog.load("en")
    missing = sorted(m for m in catalog.extract() if not (english.get(m) and english.get(m).string))
    assert missing == [], "run `coordination messages` and translate: " + "; ".join(missing[:20])


def test_the_extractor_finds_messages_in_python_and_templates():
    messages = catalog.extract()
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in messages  # accounts/views.py
    assert "Đổi mật khẩu" in messages  # templates/layout.pt
    assert "Nhóm cơ quan" in messages  # navigation labels


def test_dates_read_day_month_year_and_times_show_in_vietnam():
    assert format_date(dt.date(2022, 6, 30)) == "30/06/2022"
    # 17:30 UTC on 30/6 is already 1 July in Hà Nội
    late = dt.datetime(2022, 6, 30, 17, 30, tzinfo=dt.timezone.utc)
    assert format_date(late) == "01/07/2022"
    assert format_datetime(late) == "01/07/2022 00:30"
    assert long_date("Hưng Yên", dt.date(2022, 5, 25)) == "Hưng Yên, ngày 25 tháng 5 năm 2022"
    assert long_date("Hà Nội", dt.date(2020, 2, 9)) == "Hà Nội, ngày 09 tháng 02 năm 2020"


def test_a_logged_in_users_language_choice_is_kept_on_the_account(testapp, demo, dbsession):
    from sqlalchemy import select

    from coordination.accounts.models import User
    from tests.conftest import login

    home = login(testapp, "lanhdao")
    token = home.html.select_one("form.lang-switch input[name=csrf_token]")["value"]
    testapp.post("/language", {"csrf_token": token, "language": "en", "came_from": "http://example.com/"}, status=303)
    assert dbsession.scalar(select(User.language).where(User.login == "lanhdao")) == "en"
    page = testapp.get("/")
    assert "Change password" in page.text and "Đổi mật khẩu" not in page.text

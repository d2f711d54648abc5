"""Signed-in sessions live on the server: logging out ends them, whatever cookies were copied."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import event, func, select

from kb.auth.models import SignedInSession
from kb.auth.sessions import describe_device, hash_secret
from kb.platform import clock
from kb.platform.extensions import db
from tests.conftest import Auth, csrf_token_from
from tests.factories import PASSWORD, make_user

NOW = datetime(2026, 11, 25, 10, 0)
FIREFOX_ON_WINDOWS = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0"
SAFARI_ON_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1"
)


@pytest.fixture
def member(app):
    clock.freeze(NOW)
    return make_user(email="sam@example.org", display_name="Sam Okafor")


def browser(app, user_agent: str = FIREFOX_ON_WINDOWS):
    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = user_agent
    return client


def signed_in(app, user_agent: str = FIREFOX_ON_WINDOWS, **extra):
    client = browser(app, user_agent)
    assert Auth(client).login("sam@example.org", **extra).status_code == 302
    return client


def cookie(client, name: str) -> str | None:
    found = client.get_cookie(name)
    return found.value if found else None


def session_data(app, client) -> dict:
    return app.session_interface.get_signing_serializer(app).loads(cookie(client, "session"))


def is_signed_in(client) -> bool:
    return client.get("/account").status_code == 200


def rows() -> list[SignedInSession]:
    return list(db.session.scalars(select(SignedInSession).order_by(SignedInSession.id)))


def post(client, url: str):
    token = csrf_token_from(client.get("/account").get_data(as_text=True))
    return client.post(url, data={"csrf_token": token})


def test_copied_cookies_sign_nobody_in_after_logging_out(app, member):
    owner = signed_in(app, remember="y")
    copied = {name: cookie(owner, name) for name in ("session", "remember_token")}
    assert all(copied.values())
    before = browser(app)
    before.set_cookie("session", copied["session"])
    assert is_signed_in(before)  # a copy works while the session lasts: that is what logging out is for

    Auth(owner).logout()
    for names in (["session", "remember_token"], ["session"], ["remember_token"]):
        thief = browser(app)
        for name in names:
            thief.set_cookie(name, copied[name])
        assert not is_signed_in(thief), names
        assert "Log in" in thief.get("/").get_data(as_text=True)
    assert rows() == []


def test_the_cookies_hold_only_a_random_secret_and_the_database_only_its_hash(app, member):
    client = signed_in(app, remember="y")
    secret = session_data(app, client)["_user_id"]
    assert str(member.id) != secret and len(secret) >= 40
    assert cookie(client, "remember_token").startswith(f"{secret}|")
    [row] = rows()
    assert row.secret_hash == hash_secret(secret) and secret not in row.secret_hash
    assert (row.user_id, row.remembered, row.signed_in_at, row.device) == (member.id, True, NOW, "Firefox on Windows")


def test_the_remember_me_cookie_signs_in_once_and_is_replaced(app, member):
    owner = signed_in(app, remember="y")
    remembered = cookie(owner, "remember_token")

    reopened = browser(app)  # the browser was closed: its session cookie is gone, the lasting one kept
    reopened.set_cookie("remember_token", remembered)
    assert is_signed_in(reopened)
    renewed = cookie(reopened, "remember_token")
    assert renewed and renewed != remembered
    assert is_signed_in(reopened)

    replayed = browser(app)  # a copy of the cookie as it was: already used, so worthless
    replayed.set_cookie("remember_token", remembered)
    assert not is_signed_in(replayed)

    again = browser(app)
    again.set_cookie("remember_token", renewed)
    assert is_signed_in(again)
    assert len(rows()) == 1  # still the one session, with a new secret


def test_logging_in_changes_the_session_and_the_form_token(app, member):
    client = browser(app)
    planted = csrf_token_from(client.get("/login").get_data(as_text=True))
    before = session_data(app, client)
    client.post("/login", data={"email": "sam@example.org", "password": PASSWORD, "csrf_token": planted})
    after = session_data(app, client)
    assert "_user_id" in after and "csrf_token" not in after  # the old token is gone with the old session
    assert csrf_token_from(client.get("/account").get_data(as_text=True)) != planted
    assert session_data(app, client)["csrf_token"] != before["csrf_token"]  # a new one, made after logging in
    # The token from before logging in is refused now.
    response = client.post("/account/sessions/sign-out-others", data={"csrf_token": planted})
    assert response.status_code == 400


def test_each_log_in_is_a_new_session(app, member):
    first, second = signed_in(app), signed_in(app)
    assert session_data(app, first)["_user_id"] != session_data(app, second)["_user_id"]
    assert len(rows()) == 2


def test_anonymous_visitors_cost_no_writes_and_no_session_rows(app, client, member):
    statements = []

    def record(_connection, _cursor, statement, *_):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        for path in ("/", "/login", "/register", "/about"):
            assert client.get(path).status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    assert not [sql for sql in statements if sql.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))]
    assert not [sql for sql in statements if "signed_in_sessions" in sql]
    assert rows() == []


def test_a_signed_in_page_finds_the_member_in_one_query(app, member):
    client = signed_in(app)
    statements = []

    def record(_connection, _cursor, statement, *_):
        statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", record)
    try:
        assert client.get("/about").status_code == 200
    finally:
        event.remove(db.engine, "before_cursor_execute", record)
    about_the_member = [sql for sql in statements if "signed_in_sessions" in sql or "FROM users" in sql]
    assert len(about_the_member) == 1, about_the_member
    assert "notifications" in about_the_member[0]  # the unread count comes with it


def test_last_seen_is_written_at_most_every_five_minutes(app, member):
    client = signed_in(app)
    clock.freeze(NOW + timedelta(minutes=4))
    client.get("/")
    assert rows()[0].last_seen_at == NOW
    clock.freeze(NOW + timedelta(minutes=6))
    client.get("/")
    [row] = rows()
    assert row.last_seen_at == NOW + timedelta(minutes=6)
    assert row.expires_at == NOW + timedelta(minutes=6, hours=24)


def test_a_session_not_remembered_ends_after_a_day_without_a_visit(app, member):
    client = signed_in(app)
    clock.freeze(NOW + timedelta(hours=23))
    assert is_signed_in(client)
    clock.freeze(NOW + timedelta(hours=46))  # a visit 23 hours ago kept it going
    assert is_signed_in(client)
    clock.freeze(NOW + timedelta(hours=70, minutes=1))
    assert not is_signed_in(client)


def test_a_remembered_session_lasts_thirty_days_from_the_last_visit(app, member):
    client = signed_in(app, remember="y")
    clock.freeze(NOW + timedelta(days=29))
    assert is_signed_in(client)
    clock.freeze(NOW + timedelta(days=58))
    assert is_signed_in(client)
    clock.freeze(NOW + timedelta(days=88, minutes=1))
    assert not is_signed_in(client)


def test_expired_sessions_are_cleared_away_at_the_next_log_in(app, member):
    signed_in(app)
    clock.freeze(NOW + timedelta(days=2))
    signed_in(app, SAFARI_ON_IPHONE)
    assert [row.device for row in rows()] == ["Safari on iPhone"]


def test_the_account_page_lists_where_you_are_logged_in(app, member):
    clock.freeze(NOW)
    signed_in(app, SAFARI_ON_IPHONE)
    clock.freeze(NOW + timedelta(hours=1))
    here = signed_in(app)
    page = here.get("/account").get_data(as_text=True)
    assert '<h2 id="devices-heading">Where you are logged in</h2>' in page
    section = page.split('id="devices-heading"')[1]
    assert section.count("This device") == 1
    firefox_row = section.split("Firefox on Windows")[1].split("</tr>")[0]
    assert "This device" in firefox_row and "25 November 2026 at 11am" in firefox_row
    assert "Sign out<" not in firefox_row  # this browser logs out with "Log out"
    safari_row = section.split("Safari on iPhone")[1].split("</tr>")[0]
    assert "25 November 2026 at 10am" in safari_row and "Sign out" in safari_row
    assert "Sign out everywhere else" in section


def test_sign_out_everywhere_else_keeps_only_this_browser(app, member):
    phone, laptop = signed_in(app, SAFARI_ON_IPHONE), signed_in(app, remember="y")
    tablet = signed_in(app, remember="y")
    response = post(laptop, "/account/sessions/sign-out-others")
    assert response.status_code == 302
    assert "You have been signed out of 2 other devices." in laptop.get("/account").get_data(as_text=True)
    assert is_signed_in(laptop)
    assert not is_signed_in(phone) and not is_signed_in(tablet)
    assert cookie(tablet, "remember_token") is None  # the dead cookie is deleted, not tried again and again
    assert len(rows()) == 1
    post(laptop, "/account/sessions/sign-out-others")
    assert "You were not signed in anywhere else." in laptop.get("/account").get_data(as_text=True)


def test_one_other_browser_can_be_signed_out(app, member):
    phone, laptop = signed_in(app, SAFARI_ON_IPHONE), signed_in(app)
    phone_row = next(row for row in rows() if row.device == "Safari on iPhone")
    assert post(laptop, f"/account/sessions/{phone_row.id}/sign-out").status_code == 302
    assert "That device has been signed out." in laptop.get("/account").get_data(as_text=True)
    assert not is_signed_in(phone) and is_signed_in(laptop)


def test_signing_out_this_browser_from_the_list_logs_out(app, member):
    laptop = signed_in(app)
    [row] = rows()
    response = post(laptop, f"/account/sessions/{row.id}/sign-out")
    assert response.headers["Location"] == "/"
    assert not is_signed_in(laptop) and rows() == []


def test_nobody_can_sign_out_someone_elses_browser(app, member):
    signed_in(app)
    [sams] = rows()
    make_user(email="kim@example.org")
    kim = browser(app)
    Auth(kim).login("kim@example.org")
    response = post(kim, f"/account/sessions/{sams.id}/sign-out")
    assert response.status_code == 404
    assert "not signed in to your account" in response.get_data(as_text=True)
    assert db.session.get(SignedInSession, sams.id) is not None


@pytest.mark.parametrize("url", ["/account/sessions/sign-out-others", "/account/sessions/1/sign-out"])
def test_signing_out_devices_needs_the_form_token_and_an_account(app, client, member, url):
    assert client.post(url).status_code == 400  # no CSRF token
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    assert client.post(url, data={"csrf_token": token}).headers["Location"].startswith("/login")


def test_changing_the_password_ends_every_other_session(app, member):
    other, here = signed_in(app, SAFARI_ON_IPHONE, remember="y"), signed_in(app)
    token = csrf_token_from(here.get("/account").get_data(as_text=True))
    here.post(
        "/account/password",
        data={
            "password-csrf_token": token,
            "password-current_password": PASSWORD,
            "password-password": "a brand new password",
            "password-confirm_password": "a brand new password",
        },
    )
    assert [row.device for row in rows()] == ["Firefox on Windows"]
    assert is_signed_in(here) and not is_signed_in(other)


def test_a_suspension_ends_the_session_on_the_server(app, member, runner):
    client = signed_in(app, remember="y")
    runner.invoke(args=["kb", "suspend", "sam@example.org", "--until", "2026-12-03", "--reason", "Abuse"])
    assert "Your account is suspended" in client.get("/").get_data(as_text=True)
    assert rows() == []
    assert not is_signed_in(client)


def test_a_deleted_account_has_no_sessions_left(app, member):
    signed_in(app)
    db.session.delete(db.session.get(type(member), member.id))
    db.session.commit()
    assert db.session.scalar(select(func.count(SignedInSession.id))) == 0


@pytest.mark.parametrize(
    ("user_agent", "described"),
    [
        (FIREFOX_ON_WINDOWS, "Firefox on Windows"),
        (SAFARI_ON_IPHONE, "Safari on iPhone"),
        (
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
            "Edge on macOS",
        ),
        (
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
            "Chrome/131.0.0.0 Mobile Safari/537.36",
            "Chrome on Android",
        ),
        (
            "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
            "Chrome on Linux",
        ),
        ("curl/8.5.0", "An unrecognised browser"),
        ("", "An unrecognised browser"),
    ],
)
def test_devices_are_described_in_plain_words(user_agent, described):
    assert describe_device(user_agent) == described

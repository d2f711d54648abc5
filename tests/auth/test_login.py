"""Logging in and out: remember me, safe redirects, throttling, suspension."""

from datetime import datetime, timedelta

import pytest

from kb import create_app
from kb.auth import service
from kb.auth.models import LoginAttempt
from kb.platform import clock
from kb.platform.extensions import db
from tests.conftest import csrf_token_from
from tests.factories import PASSWORD, make_user

NOW = datetime(2026, 11, 25, 10, 0)


@pytest.fixture
def member(app):
    clock.freeze(NOW)
    return make_user(email="sam@example.org", display_name="Sam Okafor")


def test_logging_in_greets_the_member_and_shows_their_name(client, auth, member):
    response = auth.login("sam@example.org")
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You are logged in as Sam Okafor" in page


def test_email_letter_case_does_not_matter(auth, member):
    assert auth.login("  SAM@Example.ORG ").status_code == 302


def test_session_cookie_is_httponly_and_samesite_lax(auth, member):
    response = auth.login("sam@example.org")
    cookie = next(value for value in response.headers.getlist("Set-Cookie") if value.startswith("session="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_remember_me_sets_a_lasting_cookie_only_when_asked(client, auth, member):
    without = auth.login("sam@example.org")
    assert not any(c.startswith("remember_token=") for c in without.headers.getlist("Set-Cookie"))
    auth.logout()
    with_remember = auth.login("sam@example.org", remember="y")
    remember = [c for c in with_remember.headers.getlist("Set-Cookie") if c.startswith("remember_token=")]
    assert remember and "HttpOnly" in remember[0]


@pytest.mark.parametrize(
    ("email", "password"), [("sam@example.org", "wrong password!"), ("nobody@example.org", PASSWORD)]
)
def test_wrong_credentials_get_one_message_that_reveals_nothing(client, auth, member, email, password):
    response = auth.login(email, password)
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "Enter a correct email address and password." in page
    assert f'value="{email}"' in page
    assert password not in page
    assert client.get("/account").status_code == 302


def test_pages_that_need_an_account_send_visitors_to_log_in_and_back(client, auth, member):
    response = client.get("/account")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/account"
    page = client.get("/login?next=/account").get_data(as_text=True)
    token = csrf_token_from(page)
    response = client.post(
        "/login", data={"email": "sam@example.org", "password": PASSWORD, "next": "/account", "csrf_token": token}
    )
    assert response.headers["Location"] == "/account"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
        "/%0d%0aSet-Cookie:x",
        "\x00/account",
    ],
)
def test_next_never_leaves_the_site(auth, member, target):
    response = auth.login("sam@example.org", next=target)
    assert response.headers["Location"] in ("/", "/%0d%0aSet-Cookie:x")


def test_is_safe_next_accepts_local_paths_only():
    assert service.is_safe_next("/themes/funding-it-better?x=1")
    for bad in (None, "", "themes", "//x.org", "https://x.org", "/\\x.org", "/a\nb", "javascript:x"):
        assert not service.is_safe_next(bad)


def test_logging_out_ends_the_session(client, auth, member):
    auth.login("sam@example.org")
    response = auth.logout()
    assert response.status_code == 302
    assert "You have logged out" in client.get("/").get_data(as_text=True)
    assert client.get("/account").status_code == 302


def fail(auth, email, times):
    for _ in range(times):
        assert auth.login(email, "wrong password!").status_code == 422


def test_five_failures_pause_logging_in_to_that_account_from_that_address(client, auth, member):
    fail(auth, "sam@example.org", 5)
    response = auth.login("sam@example.org")  # even the right password is refused while paused
    page = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "Too many failed attempts to log in" in page
    assert "paused until 25 November 2026 at 10:15am" in page
    assert 'value="sam@example.org"' in page

    clock.freeze(NOW + timedelta(minutes=15, seconds=1))
    assert auth.login("sam@example.org").status_code == 302


def test_five_failures_from_one_address_pause_it_for_every_account(auth, member):
    for number in range(5):
        fail(auth, f"guess{number}@example.org", 1)
    assert auth.login("sam@example.org").status_code == 429


def test_a_successful_log_in_clears_the_accounts_count(auth, member):
    fail(auth, "sam@example.org", 4)
    clock.freeze(NOW + timedelta(minutes=1))
    auth.login("sam@example.org")
    auth.logout()
    # The address keeps its own count (4), so use a different address for the next tries.
    for _ in range(4):
        response = auth.client.post(
            "/login",
            data={"email": "sam@example.org", "password": "nope nope!", "csrf_token": auth.csrf_token()},
            environ_base={"REMOTE_ADDR": "10.0.0.9"},
        )
        assert response.status_code == 422
    assert (
        auth.client.post(
            "/login",
            data={"email": "sam@example.org", "password": PASSWORD, "csrf_token": auth.csrf_token()},
            environ_base={"REMOTE_ADDR": "10.0.0.9"},
        ).status_code
        == 302
    )


def test_throttling_holds_across_separate_app_processes(app, auth, member, database_url, search_dir):
    fail(auth, "sam@example.org", 5)
    # A second app on the same database stands for another gunicorn worker.
    other_worker = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "KB_SEARCH_DIR": str(search_dir)})
    with other_worker.app_context():
        assert service.throttled_until("sam@example.org", "127.0.0.1") == NOW + timedelta(minutes=15)
        db.session.remove()
        db.engine.dispose()


def log_in_from(client, address: str, password: str, email: str = "sam@example.org", **request):
    token = csrf_token_from(client.get("/login", **request).get_data(as_text=True))
    return client.post(
        "/login",
        data={"email": email, "password": password, "csrf_token": token},
        environ_base={"REMOTE_ADDR": address},
        **request,
    )


def test_a_strangers_failures_from_elsewhere_do_not_lock_the_owner_out(app, member):
    stranger, owner = app.test_client(), app.test_client()
    for _ in range(6):
        assert log_in_from(stranger, "203.0.113.66", "guess guess guess").status_code in (422, 429)
    assert log_in_from(stranger, "203.0.113.66", PASSWORD).status_code == 429  # the stranger's address is paused
    assert log_in_from(owner, "198.51.100.7", PASSWORD).status_code == 302  # the owner, elsewhere, is not


def test_without_trusted_proxies_a_forged_forwarded_address_does_not_dodge_the_count(app, member):
    client = app.test_client()
    for number in range(5):
        response = log_in_from(
            client,
            "192.0.2.10",
            "wrong password!",
            email=f"guess{number}@example.org",
            headers={"X-Forwarded-For": f"198.51.100.{number}"},
        )
        assert response.status_code == 422
    response = log_in_from(client, "192.0.2.10", PASSWORD, headers={"X-Forwarded-For": "198.51.100.99"})
    assert response.status_code == 429


def test_behind_one_trusted_proxy_each_client_is_counted_on_its_own(member, database_url, search_dir):
    behind_proxy = create_app(
        {"SQLALCHEMY_DATABASE_URI": database_url, "KB_SEARCH_DIR": str(search_dir), "KB_TRUSTED_PROXIES": 1}
    )
    first, second = behind_proxy.test_client(), behind_proxy.test_client()
    proxy = "10.0.0.2"  # every request reaches the app from the proxy's address
    for _ in range(5):
        response = log_in_from(first, proxy, "wrong password!", headers={"X-Forwarded-For": "198.51.100.1"})
        assert response.status_code == 422
    assert log_in_from(first, proxy, PASSWORD, headers={"X-Forwarded-For": "198.51.100.1"}).status_code == 429
    # A client can prepend addresses of its own: only the one the proxy appended is believed.
    dodge = log_in_from(first, proxy, PASSWORD, headers={"X-Forwarded-For": "203.0.113.5, 198.51.100.1"})
    assert dodge.status_code == 429
    assert log_in_from(second, proxy, PASSWORD, headers={"X-Forwarded-For": "198.51.100.2"}).status_code == 302
    with behind_proxy.app_context():
        db.engine.dispose()


def test_suspended_member_cannot_log_in_and_is_told_why_and_until_when(client, auth, member, runner):
    runner.invoke(
        args=["kb", "suspend", "sam@example.org", "--until", "2026-12-03 14:00", "--reason", "Posting adverts"]
    )
    response = auth.login("sam@example.org")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "suspended until 3 December 2026 at 2pm" in page
    assert "Posting adverts" in page
    assert client.get("/account").status_code == 302


def test_suspension_is_not_revealed_to_someone_without_the_password(auth, member, runner):
    runner.invoke(args=["kb", "suspend", "sam@example.org", "--until", "2026-12-03", "--reason", "Spam"])
    page = auth.login("sam@example.org", "wrong password!").get_data(as_text=True)
    assert "suspended" not in page


def test_a_suspension_signs_out_a_member_already_logged_in(client, auth, member, runner):
    auth.login("sam@example.org")
    runner.invoke(args=["kb", "suspend", "sam@example.org", "--until", "2026-12-03", "--reason", "Abuse"])
    page = client.get("/").get_data(as_text=True)
    assert "Your account is suspended until 3 December 2026 at midnight" in page
    assert client.get("/account").status_code == 302


def test_log_in_works_again_once_the_suspension_ends(auth, member, runner):
    runner.invoke(args=["kb", "suspend", "sam@example.org", "--until", "2026-12-03", "--reason", "Abuse"])
    clock.freeze(datetime(2026, 12, 3, 0, 1))
    assert auth.login("sam@example.org").status_code == 302


def test_a_guess_still_being_checked_elsewhere_counts_against_the_next(app, auth, member, database_url, search_dir):
    """Parallel guesses: four failures, then a fifth guess on another worker has been recorded but
    not yet answered. The next guess here counts it, and is refused unchecked, even with the right
    password; the pause then ends 15 minutes after the first failure, as for five plain failures."""
    fail(auth, "sam@example.org", 4)
    other_worker = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "KB_SEARCH_DIR": str(search_dir)})
    with other_worker.app_context():
        in_flight = service._record_attempt("sam@example.org", "127.0.0.1")
        assert in_flight.id is not None
        db.session.remove()
        db.engine.dispose()
    with pytest.raises(service.LoginThrottled):
        service.authenticate("sam@example.org", PASSWORD, "127.0.0.1")


def test_a_refused_attempt_does_not_lengthen_the_pause(app, auth, member):
    fail(auth, "sam@example.org", 5)
    count = db.session.query(LoginAttempt).count()
    with pytest.raises(service.LoginThrottled):
        service.authenticate("sam@example.org", PASSWORD, "127.0.0.1")
    assert db.session.query(LoginAttempt).count() == count

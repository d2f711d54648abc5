"""Registrations and forgotten-password requests are limited per network address, counted in the
database (so every app server sees the same count), and the refusal says nothing about whether an
address has an account."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from kb.auth.ip_limits import (
    FORGOT_PASSWORD,
    REGISTER,
    TooManyRequests,
    count_request,
    one_at_a_time,
    requests_counted,
)
from kb.auth.models import User
from kb.platform import clock
from kb.platform.extensions import db
from kb.platform.mail import MailOutbox
from tests.conftest import build_test_app, form_token
from tests.factories import make_user

OFFICE = "198.51.100.7"
ELSEWHERE = "203.0.113.9"
START = datetime(2026, 11, 28, 9, 0)


@pytest.fixture
def limited(app):
    app.config["KB_MAIL_REQUESTS_PER_IP"] = 2
    clock.freeze(START)
    make_user(email="known@example.org")
    return app


def register(client, email, address=OFFICE, name="Priya Shah"):
    data = {
        "csrf_token": form_token(client),
        "email": email,
        "display_name": name,
        "organisation": "Suffolk County Council",
        "sector": "public body",
        "region": "East of England",
        "password": "a long enough password",
        "confirm_password": "a long enough password",
    }
    return client.post("/register", data=data, environ_base={"REMOTE_ADDR": address})


def forgot(client, email, address=OFFICE):
    return client.post(
        "/forgot-password",
        data={"csrf_token": form_token(client), "email": email},
        environ_base={"REMOTE_ADDR": address},
    )


def mails() -> int:
    return db.session.scalar(select(func.count(MailOutbox.id)))


def test_registrations_from_one_address_are_limited_with_the_form_kept(client, limited):
    assert register(client, "first@example.org").status_code == 200
    assert register(client, "known@example.org").status_code == 200
    sent = mails()
    refused = register(client, "third@example.org", name="Third Person")
    page = refused.get_data(as_text=True)
    assert refused.status_code == 429
    assert "Too many requests have come from your network" in page and "10am" in page
    assert 'value="third@example.org"' in page and 'value="Third Person"' in page
    assert "type your password again" in page
    assert mails() == sent and db.session.scalar(select(User).where(User.email == "third@example.org")) is None
    # The same answer for an address that has an account: nothing to tell them apart.
    known = register(client, "known@example.org", name="Third Person")
    assert known.status_code == 429
    assert known.get_data(as_text=True).replace("known@", "third@") == page
    # Another network is not held back, and the office may register again once the hour has passed.
    assert register(client, "other@example.org", address=ELSEWHERE).status_code == 200
    clock.freeze(START + timedelta(hours=1, minutes=1))
    assert register(client, "third@example.org").status_code == 200


def test_forgotten_password_requests_are_limited_the_same_for_every_address(client, limited):
    assert forgot(client, "known@example.org").status_code == 200
    assert forgot(client, "nobody@example.org").status_code == 200
    sent = mails()
    for address in ("known@example.org", "nobody@example.org"):
        refused = forgot(client, address)
        assert refused.status_code == 429
        assert f'value="{address}"' in refused.get_data(as_text=True)
        assert "Too many requests have come from your network" in refused.get_data(as_text=True)
    assert mails() == sent
    assert requests_counted(OFFICE, FORGOT_PASSWORD) == 2 and requests_counted(OFFICE, REGISTER) == 0
    assert register(client, "first@example.org").status_code == 200  # each form has its own limit


def test_the_count_is_shared_by_every_app_server(client, limited, database_url, tmp_path):
    assert register(client, "first@example.org").status_code == 200
    other_server = build_test_app(database_url, tmp_path / "search")
    other_server.config["KB_MAIL_REQUESTS_PER_IP"] = 2
    with other_server.app_context():
        other_client = other_server.test_client()
        assert register(other_client, "second@example.org").status_code == 200
        assert register(other_client, "third@example.org").status_code == 429
        db.session.remove()
        db.engine.dispose()
    assert register(client, "fourth@example.org").status_code == 429


def test_forms_with_mistakes_are_not_counted(client, limited):
    for _ in range(3):
        assert forgot(client, "not an address").status_code == 422
    assert requests_counted(OFFICE, FORGOT_PASSWORD) == 0


def test_requests_sent_at_once_are_counted_one_after_the_other(limited):
    """Two requests from one address racing for the last place: one is refused. (Counted without a
    lock, both counted the same requests and both got through.)"""
    count_request(OFFICE, FORGOT_PASSWORD)  # one of the two allowed
    outcome = {}

    def other_worker():
        with limited.app_context():
            try:
                count_request(OFFICE, FORGOT_PASSWORD)
                outcome["other"] = "counted"
            except TooManyRequests:
                outcome["other"] = "refused"
            finally:
                db.session.remove()

    one_at_a_time(OFFICE, FORGOT_PASSWORD)  # this worker is about to count
    racing = threading.Thread(target=other_worker)
    racing.start()
    racing.join(0.5)  # long enough for the other to count too, were it not made to wait
    count_request(OFFICE, FORGOT_PASSWORD)
    racing.join(30)
    assert outcome == {"other": "refused"}
    assert requests_counted(OFFICE, FORGOT_PASSWORD) == 2

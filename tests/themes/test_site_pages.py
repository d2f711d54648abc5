"""The pages a public service owes its users (issue 24, item 7): privacy notice (linked at
registration), accessibility statement, cookies, community guidelines (linked from the board and the
report form), contact; a phase banner with a feedback link; a visitor sent to log in is told why."""

from __future__ import annotations

import pytest

from kb.app.config import load_settings
from tests.conftest import sign_in
from tests.factories import make_user

PAGES = {
    "/privacy": "Privacy notice",
    "/accessibility": "Accessibility statement",
    "/cookies": "Cookies",
    "/guidelines": "Community guidelines",
    "/contact": "Contact us",
}


@pytest.mark.parametrize("path", list(PAGES))
def test_each_page_is_open_to_everyone_names_the_contact_and_is_in_the_footer(app, client, path):
    app.config["KB_CONTACT_EMAIL"] = "help@commonground.example.org"
    page = client.get(path)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert f"<h1>{PAGES[path]}</h1>" in text
    assert f'href="{path}"' in client.get("/").get_data(as_text=True)
    if path != "/cookies":
        assert "help@commonground.example.org" in text or path == "/guidelines" and "mailto:" in text


def test_the_cookies_page_lists_the_cookies_the_site_sets(app, client):
    member = make_user(email="sam@example.org")
    sign_in(client, member)
    set_names = {cookie.key for cookie in client._cookies.values()}
    text = client.get("/cookies").get_data(as_text=True)
    assert set_names <= {"session", "remember_token"} and all(f"<code>{name}</code>" in text for name in set_names)


def test_registration_links_the_privacy_notice_and_the_board_the_guidelines(app, client):
    assert 'href="/privacy"' in client.get("/register").get_data(as_text=True)
    sign_in(client, make_user(email="sam@example.org"))
    assert 'href="/guidelines"' in client.get("/board").get_data(as_text=True)


def test_the_phase_banner_asks_for_feedback_until_the_service_is_live(app, client):
    assert "This is a new service" in client.get("/").get_data(as_text=True)
    assert 'href="/contact">your feedback' in client.get("/").get_data(as_text=True)
    app.config["KB_FEEDBACK_URL"] = "https://forms.example.org/common-ground"
    assert 'href="https://forms.example.org/common-ground">your feedback' in client.get("/").get_data(as_text=True)
    app.config["KB_PHASE"] = "live"
    assert "This is a new service" not in client.get("/").get_data(as_text=True)


def test_a_visitor_to_the_members_board_is_told_why_and_how_to_join(client):
    response = client.get("/board", follow_redirects=True)
    text = response.get_data(as_text=True)
    assert "The discussion board is for members" in text and "create an account" in text
    assert 'href="/register?next=%2Fboard"' in text or 'href="/register?next=/board"' in text


def test_the_contact_address_defaults_to_the_senders(tmp_path):
    settings = load_settings({"KB_INSTANCE_DIR": str(tmp_path), "KB_MAIL_SENDER": "Common Ground <cg@example.org>"})
    assert settings.contact_email == "cg@example.org" and settings.phase == "beta"
    named = load_settings({"KB_INSTANCE_DIR": str(tmp_path), "KB_CONTACT_EMAIL": "help@example.org", "KB_PHASE": ""})
    assert named.contact_email == "help@example.org" and named.phase == ""

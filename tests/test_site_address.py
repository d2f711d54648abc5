"""Every absolute link is built on KB_SITE_URL, whatever Host a request names; with KB_SITE_URL set,
a request for another host is refused (but /healthz, which load balancers ask by address)."""

from __future__ import annotations

import pytest

from kb.partnerships import service as partnerships
from kb.partnerships.models import Partnership
from kb.platform.extensions import db
from tests.conftest import sign_in
from tests.factories import make_item, make_user

SITE = "https://commonground.example.org"
EVIL = "http://evil.example"


@pytest.fixture
def site(app, seeded):
    app.config["KB_SITE_URL"] = SITE
    return app


def as_evil(client, url: str):
    return client.get(url, base_url=EVIL)


@pytest.mark.parametrize(
    "url",
    [
        "/feeds/latest.atom",
        "/feeds/themes/funding-it-better.atom",
        "/sitemap.xml",
        "/robots.txt",
        "/case-studies.csv",
        "/lessons.csv",
        "/feeds/tags/grants.atom",
    ],
)
def test_links_for_readers_and_crawlers_name_the_site_not_the_host_asked(site, client, url):
    author = make_user(email="author@example.org")
    make_item(author, title="Grants made simple", tags=["grants"], theme_slugs=["funding-it-better"])
    response = as_evil(client, url)
    text = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "evil.example" not in text
    assert SITE in text


def test_an_invitation_link_names_the_site_not_the_host_asked(site, client):
    coordinator = make_user(email="coordinator@example.org")
    partnership = partnerships.register_partnership(
        "Stratford Partnership", "West Midlands", "Councils.", "public body", by=coordinator
    )
    invitation = partnerships.create_invitation(partnership, 14, by=coordinator)
    sign_in(client, coordinator)
    # The same browser, asking by another name (the cookie follows, as a proxy would pass it on).
    client.set_cookie("session", client.get_cookie("session").value, domain="evil.example")
    page = as_evil(client, f"/partnerships/{partnership.id}").get_data(as_text=True)
    assert f"{SITE}/partnerships/join/{invitation.token}" in page
    assert "evil.example" not in page
    assert db.session.get(Partnership, partnership.id) is not None


def test_with_the_site_address_set_another_host_is_refused(app, client):
    app.config.update(KB_SITE_URL=SITE, KB_SITE_URL_SET=True)
    refused = as_evil(client, "/")
    assert refused.status_code == 400 and "another address" in refused.get_data(as_text=True)
    assert as_evil(client, "/feeds/latest.atom").status_code == 400
    assert client.get("/", base_url=SITE).status_code == 200
    assert client.get("/", base_url="https://COMMONGROUND.example.org").status_code == 200
    # Load balancers ask the server by its own address.
    assert as_evil(client, "/healthz").status_code in (200, 503)
    assert client.get("/healthz", base_url="http://10.0.0.5:8000").status_code in (200, 503)


def test_left_unset_any_host_is_served(app, client):
    assert not app.config["KB_SITE_URL_SET"]
    assert as_evil(client, "/").status_code == 200

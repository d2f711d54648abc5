"""Partnerships: registering one, invitation links (expiring, revocable, explaining themselves),
co-coordinators, and who sees what: outsiders get 404, members who may not act 403."""

from __future__ import annotations

from datetime import timedelta

import pytest

from kb.app.config import ConfigError, load_settings
from kb.auth.models import Role
from kb.partnerships import service
from kb.partnerships.models import Invitation, Membership, Partnership
from kb.platform import clock
from kb.platform.extensions import db
from tests.factories import make_user
from tests.partnerships.conftest import PUBLIC, VOLUNTARY, join_as, post


def test_a_member_registers_a_partnership_and_becomes_its_coordinator(client, browser_of, coordinator):
    browser = browser_of(coordinator)
    assert "Register a partnership" in browser.get("/partnerships").get_data(as_text=True)
    refused = post(browser, "/partnerships/new", {"name": "Hi", "region": "Atlantis", "sector": "robots"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "There is a problem" in page
    assert "3 to 150 characters" in page and "Choose the partnership&#39;s region" in page
    assert '<a href="#name">' in page and '<a href="#sector-0">' in page  # the summary links to each field
    assert db.session.query(Partnership).count() == 0
    response = post(
        browser,
        "/partnerships/new",
        {"name": "Stratford LSP", "region": "West Midlands", "description": "qzdescription", "sector": PUBLIC},
    )
    partnership = db.session.query(Partnership).one()
    assert response.headers["Location"] == f"/partnerships/{partnership.id}"
    page = browser.get(f"/partnerships/{partnership.id}").get_data(as_text=True)
    assert "qzdescription" in page and "Cora Coordinator" in page and "Create an invitation link" in page
    assert "Stratford LSP" in browser.get("/partnerships").get_data(as_text=True)
    assert client.get(f"/partnerships/{partnership.id}").status_code == 302  # visitors log in first


def test_members_join_by_link_choosing_their_sector(browser_of, coordinator, partnership):
    coordinating = browser_of(coordinator)
    post(coordinating, f"/partnerships/{partnership.id}/invitations", {"days": "7"})
    invitation = db.session.query(Invitation).one()
    assert invitation.expires_at == invitation.created_at + timedelta(days=7)
    link = f"/partnerships/join/{invitation.token}"
    assert link in coordinating.get(f"/partnerships/{partnership.id}").get_data(as_text=True)

    newcomer = make_user(display_name="Val Voluntary", sector="social enterprise")
    joining = browser_of(newcomer)
    assert "Join Stratford Local Strategic Partnership" in joining.get(link).get_data(as_text=True)
    refused = post(joining, link, {"sector": "social enterprise"})
    assert refused.status_code == 422 and "Choose the sector you answer for" in refused.get_data(as_text=True)
    response = post(joining, link, {"sector": VOLUNTARY})
    assert response.headers["Location"] == f"/partnerships/{partnership.id}"
    membership = db.session.query(Membership).filter_by(user_id=newcomer.id).one()
    assert membership.sector == VOLUNTARY and not membership.is_coordinator
    assert joining.get(link).headers["Location"] == f"/partnerships/{partnership.id}"  # already in
    page = joining.get(f"/partnerships/{partnership.id}").get_data(as_text=True)
    assert "Cora Coordinator" in page and "Val Voluntary" in page and "Create an invitation link" not in page


def test_expired_and_revoked_links_explain_themselves(browser_of, coordinator, partnership):
    clock.freeze(clock.now() - timedelta(days=8))
    expiring = service.create_invitation(partnership, 7, by=coordinator)
    clock.freeze(None)
    revoked = service.create_invitation(partnership, 30, by=coordinator)
    post(browser_of(coordinator), f"/partnerships/invitations/{revoked.id}/revoke")
    assert db.session.get(Invitation, revoked.id).revoked_at is not None
    outsider = browser_of(make_user())
    page = outsider.get(f"/partnerships/join/{expiring.token}")
    assert page.status_code == 410 and "This invitation link expired on" in page.get_data(as_text=True)
    page = outsider.get(f"/partnerships/join/{revoked.token}")
    assert page.status_code == 410 and "withdrawn by the partnership&#39;s coordinator" in page.get_data(as_text=True)
    refused = post(outsider, f"/partnerships/join/{revoked.token}", {"sector": PUBLIC})
    assert refused.status_code == 410
    page = outsider.get("/partnerships/join/not-a-real-token")
    assert page.status_code == 404 and "not recognised" in page.get_data(as_text=True)
    assert db.session.query(Membership).count() == 1
    assert service.invitations_of(partnership, coordinator) == []


def test_a_coordinator_makes_another_member_co_coordinator(browser_of, coordinator, partnership):
    member = join_as(partnership, VOLUNTARY, coordinator, display_name="Mo Member")
    other = join_as(partnership, PUBLIC, coordinator)
    membership = db.session.query(Membership).filter_by(user_id=member.id).one()
    assert post(browser_of(other), f"/partnerships/members/{membership.id}/coordinator").status_code == 403
    assert not db.session.get(Membership, membership.id).is_coordinator
    post(browser_of(coordinator), f"/partnerships/members/{membership.id}/coordinator")
    assert db.session.get(Membership, membership.id).is_coordinator
    assert post(browser_of(member), f"/partnerships/{partnership.id}/rounds", {"name": "2026"}).status_code == 302


def test_outsiders_get_404_and_members_403_on_coordinators_actions(browser_of, coordinator, partnership):
    member = join_as(partnership, PUBLIC, coordinator)
    round_ = service.open_round(partnership, "2026", None, by=coordinator)
    invitation = service.create_invitation(partnership, 14, by=coordinator)
    outsider = browser_of(make_user(role=Role.ADMIN))
    for url in (
        f"/partnerships/{partnership.id}",
        f"/partnerships/rounds/{round_.id}",
        f"/partnerships/rounds/{round_.id}/themes/funding-it-better",
    ):
        assert outsider.get(url).status_code == 404
    for url in (
        f"/partnerships/{partnership.id}/invitations",
        f"/partnerships/{partnership.id}/rounds",
        f"/partnerships/rounds/{round_.id}/close",
        f"/partnerships/invitations/{invitation.id}/revoke",
        f"/partnerships/rounds/{round_.id}/themes/funding-it-better",
    ):
        assert post(outsider, url, {"days": "7", "name": "x"}).status_code == 404, url
    joined = browser_of(member)
    for url in (
        f"/partnerships/{partnership.id}/invitations",
        f"/partnerships/{partnership.id}/rounds",
        f"/partnerships/rounds/{round_.id}/close",
        f"/partnerships/invitations/{invitation.id}/revoke",
    ):
        assert post(joined, url, {"days": "7", "name": "2027"}).status_code == 403, url
    assert round_.is_open(clock.now()) and db.session.get(Invitation, invitation.id).revoked_at is None
    assert db.session.query(Invitation).count() == 2  # the member's own link, and the one above
    for url in (
        "/partnerships/2147483648",
        "/partnerships/0",
        "/partnerships/rounds/99999/themes/x",
        f"/partnerships/rounds/{round_.id}/themes/no-such-theme",
        "/partnerships/join/" + "x" * 500,
    ):
        assert joined.get(url).status_code == 404, url


def test_the_minimum_of_respondents_is_never_below_three():
    assert load_settings({"KB_SECRET_KEY": "x" * 20}).healthcheck_min_respondents == 5
    assert (
        load_settings({"KB_SECRET_KEY": "x" * 20, "KB_HEALTHCHECK_MIN_RESPONDENTS": "3"}).healthcheck_min_respondents
        == 3
    )
    with pytest.raises(ConfigError, match="KB_HEALTHCHECK_MIN_RESPONDENTS must be at least 3; got 2"):
        load_settings({"KB_SECRET_KEY": "x" * 20, "KB_HEALTHCHECK_MIN_RESPONDENTS": "2"})

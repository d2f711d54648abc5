"""Invitations by email (issue 24): a coordinator types several addresses; each person gets their own
link by mail (and, with an account, in their notifications); someone without an account opens it,
creates one, verifies the address in any browser and comes back to the invitation to join."""

from __future__ import annotations

import html
import re
from urllib.parse import unquote

from sqlalchemy import func, select

from kb.partnerships import service
from kb.partnerships.models import Invitation, Membership
from kb.platform.extensions import db
from kb.platform.notifications.inbox import recent
from tests.conftest import PASSWORD, form_token
from tests.factories import make_user
from tests.partnerships.conftest import VOLUNTARY, post

ANSWER = {"invite-days": "14"}


def invite(client, partnership, addresses: str):
    return post(client, f"/partnerships/{partnership.id}/invitations/email", {**ANSWER, "invite-addresses": addresses})


def test_each_address_gets_its_own_link_and_a_member_is_not_invited_again(
    app, partnership, coordinator, member, browser_of, mailbox
):
    known = make_user(email="known@example.org", display_name="Kim Known")
    response = invite(
        browser_of(coordinator),
        partnership,
        "stranger@example.org, Known@Example.org\n" + member.email + "\nstranger@example.org",
    )
    assert response.status_code == 302
    rows = {row.email: row for row in db.session.scalars(select(Invitation).where(Invitation.email.is_not(None)))}
    assert set(rows) == {"stranger@example.org", "known@example.org"}
    assert rows["stranger@example.org"].token != rows["known@example.org"].token
    delivered = {message["To"]: message for message in mailbox.deliver()}
    assert set(delivered) == {"stranger@example.org", "known@example.org"}  # Kim: as she chose, at once
    stranger = delivered["stranger@example.org"]
    assert (
        stranger["Subject"]
        == "Cora Coordinator invites you to join Stratford Local Strategic Partnership on Common Ground"
    )
    assert f"/partnerships/join/{rows['stranger@example.org'].token}" in mailbox.text_of(stranger)
    assert recent(known)[0].message.startswith(
        "Cora Coordinator invites you to join Stratford Local Strategic Partnership"
    )
    page = browser_of(coordinator).get(f"/partnerships/{partnership.id}").get_data(as_text=True)
    assert "Sent to stranger@example.org" in page
    assert "stranger@example.org" not in browser_of(member).get(f"/partnerships/{partnership.id}").get_data(
        as_text=True
    )


def test_a_wrong_address_sends_nothing_and_keeps_what_was_typed(partnership, coordinator, browser_of, mailbox):
    typed = "good@example.org\nnot-an-address"
    response = invite(browser_of(coordinator), partnership, typed)
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "These are not email addresses: not-an-address" in page and "good@example.org\nnot-an-address" in page
    assert db.session.scalar(select(func.count(Invitation.id))) == 0 and mailbox.deliver() == []
    too_many = "\n".join(f"person{number}@example.org" for number in range(service.INVITE_AT_ONCE + 1))
    assert "Invite at most 20 people at once." in invite(browser_of(coordinator), partnership, too_many).get_data(
        as_text=True
    )


def test_only_coordinators_invite(partnership, member, browser_of, mailbox):
    assert invite(browser_of(member), partnership, "someone@example.org").status_code == 403
    assert mailbox.deliver() == []


def test_a_stranger_follows_the_link_registers_verifies_elsewhere_and_joins(
    app, partnership, coordinator, browser_of, mailbox
):
    invite(browser_of(coordinator), partnership, "newcomer@example.org")
    (invitation_mail,) = mailbox.deliver()
    join_path = mailbox.link_in(invitation_mail, "/partnerships/join/")

    visitor = app.test_client()
    page = visitor.get(join_path)
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert "Join Stratford Local Strategic Partnership" in text
    register_link = html.unescape(re.search(r'href="(/register\?next=[^"]+)"', text).group(1))
    assert unquote(register_link) == f"/register?next={join_path}"
    details = {
        "email": "newcomer@example.org",
        "display_name": "Nia Newcomer",
        "organisation": "Stratford CVS",
        "sector": VOLUNTARY,
        "region": "West Midlands",
        "password": PASSWORD,
        "confirm_password": PASSWORD,
    }
    visitor.get(register_link)
    registered = visitor.post(register_link, data={**details, "csrf_token": form_token(visitor)})
    assert registered.status_code == 200
    (verify_mail,) = mailbox.deliver()
    verify_path = mailbox.link_in(verify_mail, "/verify-email/")

    other_browser = app.test_client()  # the mail opened the link somewhere else
    verified = other_browser.get(verify_path)
    assert verified.status_code == 302 and verified.headers["Location"].startswith("/login?next=")
    login_page = other_browser.get(verified.headers["Location"])
    assert login_page.status_code == 200
    logged_in = other_browser.post(
        verified.headers["Location"],
        data={
            "email": "newcomer@example.org",
            "password": PASSWORD,
            "next": join_path,
            "csrf_token": form_token(other_browser),
        },
    )
    assert logged_in.headers["Location"] == join_path
    joined = other_browser.post(join_path, data={"sector": VOLUNTARY, "csrf_token": form_token(other_browser)})
    assert joined.status_code == 302
    newcomer = db.session.scalar(
        select(Membership).where(Membership.partnership_id == partnership.id).order_by(Membership.id.desc())
    )
    assert newcomer.user.email == "newcomer@example.org"


def test_the_login_page_keeps_where_the_visitor_was_going_when_they_register_instead(app, partnership, coordinator):
    invitation = service.create_invitation(partnership, 14, by=coordinator)
    page = app.test_client().get(f"/login?next=/partnerships/join/{invitation.token}").get_data(as_text=True)
    link = html.unescape(re.search(r'href="(/register\?next=[^"]+)"', page).group(1))
    assert unquote(link) == f"/register?next=/partnerships/join/{invitation.token}"

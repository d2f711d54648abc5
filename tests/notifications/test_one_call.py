"""One call tells a member: `tell(member, kind, ...)` writes the inbox line the kind keeps and the
mail or digest entry the member chose; the kinds' declarations drive the settings page, and an
account matter reaches even a suspended member who turned everything off."""

from __future__ import annotations

from datetime import timedelta

from markupsafe import escape
from sqlalchemy import func, select

from kb.auth import service as accounts
from kb.platform import clock
from kb.platform.extensions import db
from kb.platform.mail import MailOutbox
from kb.platform.notifications import Kind, tell
from kb.platform.notifications.inbox import recent
from kb.platform.notifications.models import DigestEntry
from tests.conftest import sign_in
from tests.notifications.conftest import choose, waiting_for


def mails_to(address: str) -> list[MailOutbox]:
    return list(db.session.scalars(select(MailOutbox).where(MailOutbox.to_address == address)))


def test_one_call_writes_the_inbox_line_and_the_mail_the_member_chose(people, mailbox):
    ann = people["ann"]
    choose(ann, decisions="immediate")
    tell(ann, Kind.DECISIONS, "Our compact", "/case-studies/1", message="Your case study “Our compact” was published.")
    db.session.commit()
    assert [note.message for note in recent(ann)] == ["Your case study “Our compact” was published."]
    (message,) = mailbox.deliver()
    assert message["Subject"] == "A moderator’s decision on “Our compact”"
    assert "Your case study “Our compact” was published." in mailbox.text_of(message)


def test_a_kind_turned_off_still_reaches_the_inbox_and_a_mail_only_kind_never_does(people, mailbox):
    ann = people["ann"]
    choose(ann, decisions="off", replies="daily")
    tell(ann, Kind.DECISIONS, "Our compact", "/case-studies/1", message="A moderator asked for changes.")
    tell(ann, Kind.REPLIES, "Funding small charities", "/board/p/1", summary="Ben replied")
    db.session.commit()
    assert [note.message for note in recent(ann)] == ["A moderator asked for changes."]  # replies: mail only
    assert mailbox.deliver() == []
    assert [entry.kind for entry in waiting_for(ann)] == ["replies"]


def test_an_account_matter_reaches_a_suspended_member_who_turned_everything_off(people, mailbox):
    ben, mod = people["ben"], people["mod"]
    choose(ben, replies="off", decisions="off", case_studies="off")
    accounts.suspend_member(ben, until=clock.now() + timedelta(days=7), reason="Repeated adverts", by=mod)
    (message,) = mailbox.deliver()
    assert message["Subject"] == "Your Common Ground account is suspended"
    assert "Repeated adverts" in mailbox.text_of(message)
    assert "List-Unsubscribe" not in message  # not a notification one can turn off
    assert recent(ben)[0].message.startswith("Your account is suspended until")
    accounts.lift_member_suspension(ben, by=mod)
    assert [message["Subject"] for message in mailbox.deliver()] == ["You can post on Common Ground again"]
    assert db.session.scalar(select(func.count(DigestEntry.id))) == 0


def test_an_unverified_member_hears_in_the_inbox_only(people, mailbox):
    nia = people["ann"]
    nia.email_verified_at = None
    choose(nia, decisions="immediate")
    tell(nia, Kind.DECISIONS, "Our compact", "/case-studies/1", message="Published.")
    db.session.commit()
    assert [note.message for note in recent(nia)] == ["Published."]
    assert mailbox.deliver() == [] and mails_to(nia.email) == []


def test_the_settings_page_asks_about_every_kind_a_member_chooses_and_no_other(people, client):
    sign_in(client, people["ann"])
    page = client.get("/account/notifications").get_data(as_text=True)
    for kind in Kind.offered_to(False):
        assert escape(kind.label) in page and escape(kind.hint) in page and f'name="{kind.value}"' in page
    assert 'name="account"' not in page and 'name="moderation"' not in page  # a member's page
    assert Kind.ACCOUNT not in Kind.chosen_by_members() and Kind.ACCOUNT.in_app

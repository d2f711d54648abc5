"""Moderators hear when work waits (issue 24): a submission or a proposed edit, a held post, a report.
In their digest by default; as it happens, at most one mail an hour. Only moderators are offered
the choice, and nobody hears of their own work."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from kb.auth.models import Role
from kb.board import service as board
from kb.library import service as library
from kb.platform import clock
from kb.platform.extensions import db
from kb.platform.mail import MailOutbox
from kb.platform.notifications import Frequency, Kind, telling
from tests.conftest import form_token, sign_in
from tests.factories import category_named, make_item, make_user
from tests.notifications.conftest import choose, waiting_for


def mails_to(person) -> list[MailOutbox]:
    return list(db.session.scalars(select(MailOutbox).where(MailOutbox.to_address == person.email)))


def test_a_submission_reaches_each_moderator_as_they_chose_and_at_most_one_mail_an_hour(people, mailbox):
    ann, mod = people["ann"], people["mod"]
    admin = make_user(email="ada@example.org", role=Role.ADMIN)
    choose(admin, moderation="immediate")
    library.submit_for_review(make_item(ann, status="draft", title="Our shared volunteer passport"), by=ann)
    assert [entry.title for entry in waiting_for(mod)] == ["the case study “Our shared volunteer passport”"]
    (message,) = mailbox.deliver()
    assert message["To"] == admin.email
    assert message["Subject"] == "Waiting for moderators: the case study “Our shared volunteer passport”"
    assert "/moderation" in mailbox.text_of(message)
    assert waiting_for(ann) == [] and mails_to(ann) == []

    library.submit_for_review(make_item(ann, status="draft", title="A second one"), by=ann)
    assert mailbox.deliver() == []  # within the quiet hour: the queue's count says it on the site
    assert len(waiting_for(mod)) == 2  # a digest lists each
    clock.freeze(clock.now() + timedelta(hours=1, minutes=1))
    library.submit_for_review(make_item(ann, status="draft", title="A third one"), by=ann)
    assert [message["To"] for message in mailbox.deliver()] == [admin.email]


def test_a_held_post_and_a_report_reach_the_moderators_but_not_the_member_who_did_it(site, people, mailbox):
    ann, ben, mod = people["ann"], people["ben"], people["mod"]
    choose(mod, moderation="immediate")
    opening = board.start_thread(category_named("general"), "Sharing a building", "Any tips?", by=ann)
    thread = opening.thread
    site.config["KB_PREMODERATION_POSTS"] = 3
    newcomer = make_user(email="new@example.org", display_name="Nia Newcomer")
    held = board.reply(thread, "My first post here.", by=newcomer)
    assert not held.is_visible
    (message,) = mailbox.deliver()
    assert message["Subject"] == "Waiting for moderators: a post held for approval in “Sharing a building”"
    assert "/moderation/held" in mailbox.text_of(message)
    choose(mod, moderation="daily")
    ben.created_at = clock.now() - timedelta(days=60)
    board.flag_post(opening, ben, "spam")
    assert "a post reported in “Sharing a building”" in [entry.title for entry in waiting_for(mod)]
    assert waiting_for(newcomer) == waiting_for(ben) == []


def test_only_moderators_are_asked_about_the_work_waiting_for_them(people, client):
    sign_in(client, people["ann"])
    page = client.get("/account/notifications").get_data(as_text=True)
    assert Kind.MODERATION.label not in page
    # A member who sends the choice anyway changes nothing: the form does not ask it of them.
    data = {kind.value: kind.default.value for kind in Kind.offered_to(False)}
    client.post("/account/notifications", data={**data, "moderation": "immediate", "csrf_token": form_token(client)})
    assert telling.settings_of(people["ann"]).frequency(Kind.MODERATION) == Kind.MODERATION.default
    moderator = client.application.test_client()
    sign_in(moderator, people["mod"])
    page = moderator.get("/account/notifications").get_data(as_text=True)
    assert Kind.MODERATION.label in page
    data = {kind.value: kind.default.value for kind in Kind.offered_to(True)}
    response = moderator.post(
        "/account/notifications", data={**data, "moderation": "off", "csrf_token": form_token(moderator)}
    )
    assert response.status_code == 302
    assert telling.settings_of(people["mod"]).frequency(Kind.MODERATION) == Frequency.OFF

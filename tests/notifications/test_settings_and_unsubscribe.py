"""The settings page among the account pages, and the unsubscribe link every notification carries."""

from __future__ import annotations

import re
from datetime import timedelta

from kb.auth import deletion
from kb.auth.models import User
from kb.board import service as board
from kb.notifications import service
from kb.platform import clock, tokens
from kb.platform.extensions import db
from kb.platform.notifications import Frequency, Kind, telling
from kb.platform.personal_data import everything_about
from tests.conftest import PASSWORD, form_token, sign_in
from tests.factories import category_named, make_user
from tests.notifications.conftest import choose, theme_id_of, theme_title, waiting_for


def test_the_settings_page_shows_quiet_defaults_in_labelled_groups(people, client):
    sign_in(client, people["ann"])
    page = client.get("/account/notifications").get_data(as_text=True)
    assert '<legend class="fieldset__legend">Replies in threads you watch</legend>' in page
    checked = re.findall(
        r'<input[^>]*checked[^>]*name="(\w+)"[^>]*value="(\w+)"|'
        r'<input[^>]*name="(\w+)"[^>]*value="(\w+)"[^>]*checked',
        page,
    )
    chosen = {(a or c): (b or d) for a, b, c, d in checked}
    assert chosen == {
        "replies": "daily",
        "decisions": "daily",
        "case_studies": "weekly",
        "invitations": "immediate",
        "health_checks": "immediate",
    }
    assert theme_title("improving-understanding") in page
    assert 'href="/account/notifications"' in client.get("/account").get_data(as_text=True)


def test_saving_choices_and_themes(people, client):
    ann = people["ann"]
    sign_in(client, ann)
    theme_id = theme_id_of("funding-it-better")
    response = client.post(
        "/account/notifications",
        data={
            "csrf_token": form_token(client),
            "replies": "immediate",
            "decisions": "off",
            "case_studies": "daily",
            "invitations": "immediate",
            "health_checks": "weekly",
            "themes": [str(theme_id)],
        },
        follow_redirects=True,
    )
    assert "Your email notification choices are saved." in response.get_data(as_text=True)
    settings = telling.settings_of(ann)
    assert [settings.frequency(kind) for kind in Kind.offered_to(False)] == [
        Frequency.IMMEDIATE,
        Frequency.OFF,
        Frequency.DAILY,
        Frequency.IMMEDIATE,
        Frequency.WEEKLY,
    ]
    assert service.chosen_theme_ids(ann) == [theme_id]


def test_unknown_choices_are_refused_with_a_message_and_nothing_changes(people, client):
    ann = people["ann"]
    sign_in(client, ann)
    response = client.post(
        "/account/notifications",
        data={
            "csrf_token": form_token(client),
            "replies": "hourly",
            "decisions": "daily",
            "case_studies": "weekly",
            "invitations": "immediate",
            "health_checks": "immediate",
            "themes": ["999999"],
        },
    )
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert "Choose one of the listed options for replies in threads you watch" in page
    assert "Choose themes from the list" in page
    assert telling.settings_of(ann).frequency(Kind.REPLIES) == Frequency.DAILY
    not_a_number = client.post(
        "/account/notifications",
        data={
            "csrf_token": form_token(client),
            "replies": "daily",
            "decisions": "daily",
            "case_studies": "weekly",
            "invitations": "immediate",
            "health_checks": "immediate",
            "themes": ["funding"],
        },
    )
    assert not_a_number.status_code == 422
    assert "Choose themes from the list" in not_a_number.get_data(as_text=True)


def test_the_settings_page_refuses_a_post_without_its_form_token(people, client):
    sign_in(client, people["ann"])
    response = client.post("/account/notifications", data={"replies": "off", "decisions": "off", "case_studies": "off"})
    assert response.status_code == 400
    assert telling.settings_of(people["ann"]).frequency(Kind.REPLIES) == Frequency.DAILY


def an_immediate_reply_mail(people, mailbox, ann=None):
    ann = ann or people["ann"]
    choose(ann, replies="immediate")
    thread = board.start_thread(
        category_named("general"), "Sharing a building with a charity", "Any tips?", by=ann
    ).thread
    board.reply(thread, "Agree the heating bills first.", by=people["ben"])
    return mailbox.deliver()[0]


def test_the_link_in_the_mail_asks_then_turns_that_kind_off_without_signing_in(people, mailbox, client):
    message = an_immediate_reply_mail(people, mailbox)
    link = mailbox.link_in(message, "/notifications/unsubscribe/")
    confirm = client.get(link)
    assert confirm.status_code == 200
    assert "Replies in threads you watch" in confirm.get_data(as_text=True)
    assert telling.settings_of(people["ann"]).frequency(Kind.REPLIES) == Frequency.IMMEDIATE  # a GET changes nothing
    done = client.post(link)
    assert done.status_code == 200
    assert "We have stopped emailing you about" in done.get_data(as_text=True)
    assert telling.settings_of(people["ann"]).frequency(Kind.REPLIES) == Frequency.OFF
    assert telling.settings_of(people["ann"]).frequency(Kind.DECISIONS) == Frequency.DAILY  # only that kind


def test_one_click_unsubscribe_from_the_mail_header_works_without_a_session(people, mailbox, app):
    message = an_immediate_reply_mail(people, mailbox)
    address = message["List-Unsubscribe"].strip("<>").removeprefix(app.config["KB_SITE_URL"])
    response = app.test_client().post(address, data={"List-Unsubscribe": "One-Click"})  # as RFC 8058 sends it
    assert response.status_code == 200
    assert telling.settings_of(people["ann"]).frequency(Kind.REPLIES) == Frequency.OFF


def test_a_digest_link_turns_off_every_kind_it_lists(people, mailbox, client):
    ann = people["ann"]
    thread = board.start_thread(
        category_named("general"), "Sharing a building with a charity", "Any tips?", by=ann
    ).thread
    board.reply(thread, "Agree the heating bills first.", by=people["ben"])
    assert len(waiting_for(ann)) == 1
    url = telling.unsubscribe_url(ann, [Kind.REPLIES, Kind.DECISIONS])
    client.post(url.removeprefix("http://127.0.0.1:5000"))
    settings = telling.settings_of(ann)
    assert (settings.frequency(Kind.REPLIES), settings.frequency(Kind.DECISIONS)) == (Frequency.OFF, Frequency.OFF)
    assert settings.frequency(Kind.CASE_STUDIES) == Frequency.WEEKLY
    assert waiting_for(ann) == []  # what waited for the digest is dropped with it


def test_a_tampered_or_expired_link_is_explained_and_changes_nothing(people, mailbox, client):
    message = an_immediate_reply_mail(people, mailbox)
    link = mailbox.link_in(message, "/notifications/unsubscribe/")
    tampered = client.post(link[:-3] + ("aaa" if not link.endswith("aaa") else "bbb"))
    assert tampered.status_code == 400
    assert "copied only in part, or changed" in tampered.get_data(as_text=True)
    clock.freeze(clock.now() + timedelta(days=366))
    expired = client.get(link)
    assert expired.status_code == 410
    assert "has expired: links last a year" in expired.get_data(as_text=True)
    assert telling.settings_of(people["ann"]).frequency(Kind.REPLIES) == Frequency.IMMEDIATE


def test_my_data_holds_the_choices_and_what_waits_for_a_digest(people, app):
    ann = people["ann"]
    choose(ann, ("funding-it-better",), case_studies="daily")
    board.reply(
        board.start_thread(category_named("general"), "Sharing a building with a charity", "Any tips?", by=ann).thread,
        "Agree the heating bills first.",
        by=people["ben"],
    )
    part = everything_about(ann)["parts"]["email_notifications"]["data"]
    assert part["how_often"] == {
        "replies": "daily",
        "decisions": "daily",
        "case_studies": "daily",
        "invitations": "immediate",
        "health_checks": "immediate",
        "moderation": "daily",
    }
    assert part["themes_for_new_case_studies"] == [theme_title("funding-it-better")]
    assert [entry["title"] for entry in part["waiting_for_next_digest"]] == ["Sharing a building with a charity"]
    assert "Ben Reader" not in str(part)  # another member's reply is theirs, not ann's


def test_an_old_unsubscribe_link_does_not_change_a_new_members_settings(people, mailbox, client):
    dee = make_user(email="dee@example.org", display_name="Dee Departing")  # the newest account
    link = mailbox.link_in(an_immediate_reply_mail(people, mailbox, dee), "/notifications/unsubscribe/")
    sign_in(client, dee)
    client.post(
        "/account/delete", data={"csrf_token": form_token(client), "current_password": PASSWORD, "published": "keep"}
    )
    nia = make_user(email="nia@example.org", display_name="Nia Newcomer")
    choose(nia, replies="immediate")
    for response in (client.get(link), client.post(link)):
        assert response.status_code == 400
        page = response.get_data(as_text=True)
        assert "This link cannot be used" in page and "no longer exists" in page
    assert telling.settings_of(nia).frequency(Kind.REPLIES) == Frequency.IMMEDIATE


def an_account_given_the_id_of(user: User, email: str) -> User:
    """What SQLite did before migration 0025: the next account got a deleted account's id."""
    old_id = user.id
    deletion.delete_account(user, PASSWORD, remove_published=False)
    clock.freeze(clock.now() + timedelta(days=1))
    newcomer = User(id=old_id, email=email, display_name="Nia Newcomer", password_hash="-", created_at=clock.now())
    db.session.add(newcomer)
    db.session.commit()
    return newcomer


def test_a_link_names_its_account_not_only_the_accounts_number(people, mailbox, client):
    link = mailbox.link_in(an_immediate_reply_mail(people, mailbox), "/notifications/unsubscribe/")
    # A link mailed before links named the account: it still works for the account it was sent to...
    unstamped = tokens.sign(service.UNSUBSCRIBE, {"u": people["ben"].id, "k": ["decisions"]})
    assert client.post(f"/notifications/unsubscribe/{unstamped}").status_code == 200
    assert telling.settings_of(people["ben"]).frequency(Kind.DECISIONS) == Frequency.OFF
    unstamped = tokens.sign(service.UNSUBSCRIBE, {"u": people["ann"].id, "k": ["decisions"]})
    nia = an_account_given_the_id_of(people["ann"], "nia@example.org")
    choose(nia, replies="immediate")
    # ... and neither kind acts on an account made after the link, whatever its id.
    for address in (link, f"/notifications/unsubscribe/{unstamped}"):
        response = client.post(address)
        assert response.status_code == 400 and "This link cannot be used" in response.get_data(as_text=True)
    settings = telling.settings_of(nia)
    assert (settings.frequency(Kind.REPLIES), settings.frequency(Kind.DECISIONS)) == (
        Frequency.IMMEDIATE,
        Frequency.DAILY,
    )

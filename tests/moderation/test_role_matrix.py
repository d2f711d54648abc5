"""Every moderation and admin page and action against every role, with the status each gets."""

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from kb.auth.models import Role
from kb.board import service as board
from kb.board.models import BoardCategory, WatchedWord
from kb.board.queries import category_by_slug
from kb.collections import service as collections
from kb.library import featuring
from kb.library.models import FeaturedItem, Kind, Tag
from kb.moderation.models import SavedReason
from kb.platform import clock
from kb.platform.extensions import db
from kb.platform.permissions import required_role
from kb.themes.models import ThemeResource
from tests.conftest import sign_in
from tests.factories import make_item, make_user
from tests.library.conftest import post

PAGES = [
    "/moderation",
    "/moderation/held",
    "/moderation/reports",
    "/moderation/reasons",
    "/moderation/log",
    "/moderation/log.csv",
    "/moderation/featured",
    "/moderation/tags",
    "/moderation/watched-words",
    "/moderation/board/categories",
    "/admin/members",
    "/moderation/themes/funding-it-better/resources",
    "/collections/new",
    "/admin/members/{member}",
    "/admin/members/{member}/suspend",
    "/board/p/{post}/hide",
    "/collections/{collection}/edit",
    "/moderation/board/categories/{category}",
    "/moderation/resources/{resource}",
    "/moderation/review",  # old addresses, sent on to their new place
    "/moderation/board",
    "/moderation/members/{member}/suspend",
]
SENT_ON = {"/moderation/review", "/moderation/board", "/moderation/members/{member}/suspend"}
EXPECTED = {"anonymous": 302, "member": 403, "suspended member": 302, "moderator": 200, "admin": 200}


def client_as(app, role: str):
    """A test client signed in as a new person in the role (or not at all, for "anonymous")."""
    client = app.test_client()
    if role != "anonymous":
        person = make_user(role={"moderator": Role.MODERATOR, "admin": Role.ADMIN}.get(role, Role.MEMBER))
        sign_in(client, person)
        if role == "suspended member":
            person.suspended_until, person.suspension_reason = clock.now() + timedelta(days=1), "Testing"
            db.session.commit()
    return client


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_gets_the_expected_status_on_every_moderation_page(seeded, role):
    ids = things_to_act_on()
    client = client_as(seeded, role)
    for page in PAGES:
        url = page.format(**ids)
        response = client.get(url)
        # From the route's own declaration: an admin's page refuses a moderator.
        expected = 403 if role == "moderator" and declared_role(seeded, url, "GET") == "admin" else EXPECTED[role]
        if page in SENT_ON and expected == 200:
            assert response.status_code in (301, 302, 308), (role, url)
            continue
        assert response.status_code == expected, (role, url)
        if expected == 302:
            assert "/login" in response.headers["Location"], (role, url)


def test_the_page_list_is_every_page_a_moderator_or_admin_declares(app):
    """Read from the views' decorators, as for the actions below: a moderator's page missing here fails."""
    adapter = app.url_map.bind("localhost")
    listed = {adapter.match(re.sub(r"\{\w+\}", "1", page))[0] for page in PAGES}
    declared = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "GET" in rule.methods and required_role(app.view_functions[rule.endpoint]) in ("moderator", "admin")
    }
    assert listed == declared


# Every moderator action (POST), with the objects it acts on. The last test checks the list is whole.
ACTIONS = [
    "/moderation/submissions/{item}",
    "/moderation/held/{post}",
    "/moderation/reports/{post}",
    "/moderation/submissions/bulk",
    "/moderation/reasons",
    "/moderation/reasons/{reason}/up",
    "/case-studies/{item}/decide",
    "/case-studies/{item}/supersede",
    "/case-studies/{item}/feature",
    "/lessons/{lesson}/decide",
    "/lessons/{lesson}/supersede",
    "/lessons/{lesson}/feature",
    "/board/p/{post}/approve",
    "/board/p/{post}/approve-and-trust",
    "/board/p/{post}/dismiss-reports",
    "/board/p/{post}/hide",
    "/board/p/{post}/unhide",
    "/board/t/{thread}/lock",
    "/board/t/{thread}/unlock",
    "/board/t/{thread}/pin",
    "/board/t/{thread}/unpin",
    "/board/t/{thread}/move",
    "/moderation/board/categories",
    "/moderation/board/categories/{category}",
    "/moderation/board/categories/{category}/move",
    "/moderation/watched-words",
    "/moderation/watched-words/{word}/remove",
    "/moderation/featured/{featured}/move",
    "/moderation/featured/{featured}/remove",
    "/moderation/tags/{tag}",
    "/moderation/themes/funding-it-better/resources",
    "/moderation/resources/{resource}",
    "/moderation/resources/{resource}/up",
    "/admin/members/{member}/suspend",
    "/admin/members/{member}/unsuspend",
    "/admin/members/{member}/remove-spammer",
    "/admin/members/{member}/restore",
    "/admin/members/{member}/role",
    "/moderation/members/{member}/suspend",
    "/moderation/members/{member}/unsuspend",  # old addresses: 308
    "/collections/new",
    "/collections/{collection}/edit",
    "/collections/{collection}/entries",
    "/collections/entries/{entry}/move",
    "/collections/entries/{entry}/remove",
]
ACTION_EXPECTED = {"anonymous": 302, "member": 403, "suspended member": 302}


def things_to_act_on() -> dict[str, int]:
    """One of everything a moderator action can act on, made through the services."""
    author, moderator = make_user(display_name="Some Author"), make_user(role=Role.MODERATOR)
    item = make_item(author, tags=["procurement"])
    featuring.feature(item, None, moderator)
    thread_post = board.start_thread(category_by_slug("general"), "A thread", "A post", by=author)
    collection = collections.save(None, "A reading list", "", None, moderator)
    entry = collections.add_entry(collection, f"/case-studies/{item.id}", "", moderator)
    db.session.add(WatchedWord(word="pens", added_by_id=moderator.id, created_at=clock.now()))
    db.session.commit()
    first = {
        model: db.session.scalar(select(model.id).limit(1))
        for model in (BoardCategory, WatchedWord, FeaturedItem, Tag, SavedReason, ThemeResource)
    }
    return {
        "item": item.id,
        "lesson": make_item(author, kind=Kind.LESSON).id,
        "post": thread_post.id,
        "thread": thread_post.thread_id,
        "member": author.id,
        "category": first[BoardCategory],
        "word": first[WatchedWord],
        "featured": first[FeaturedItem],
        "tag": first[Tag],
        "reason": first[SavedReason],
        "resource": first[ThemeResource],
        "collection": collection.id,
        "entry": entry.id,
    }


@pytest.mark.parametrize("role", list(EXPECTED))
def test_each_role_gets_the_expected_status_from_every_moderator_action(seeded, role):
    ids = things_to_act_on()
    client = client_as(seeded, role)
    for action in ACTIONS:
        url = action.format(**ids)
        status = post(client, url, {"decision": "approve", "reason": "Testing", "direction": "up"}).status_code
        if role in ACTION_EXPECTED:
            assert status == ACTION_EXPECTED[role], (role, url, status)
        elif role == "moderator" and declared_role(seeded, url, "POST") == "admin":
            assert status == 403, (role, url, status)
        else:
            assert status in (200, 302, 308, 422), (role, url, status)  # done, told what is wrong, or sent on


def declared_role(app, url: str, method: str) -> str | None:
    endpoint, _ = app.url_map.bind("localhost").match(url, method=method)
    return required_role(app.view_functions[endpoint])


def test_the_action_list_is_every_route_a_moderator_or_admin_declares(app):
    """Read from the views' decorators: a route that needs a moderator and is missing here fails,
    and so does an address here that is no such route (renamed, removed, or open to members)."""
    adapter = app.url_map.bind("localhost")
    listed = {adapter.match(re.sub(r"\{\w+\}", "1", action), method="POST")[0] for action in ACTIONS}
    declared = {
        rule.endpoint
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods and required_role(app.view_functions[rule.endpoint]) in ("moderator", "admin")
    }
    assert {"library.decide_case_study", "library.decide_lesson", "board.approve_post"} <= declared
    assert listed == declared


# Acting on members: moderators act on members only; admins act on moderators and admins too.
MEMBER_ACTIONS = [
    "/admin/members/{member}/suspend",
    "/admin/members/{member}/unsuspend",
    "/admin/members/{member}/remove-spammer",
    "/admin/members/{member}/restore",
]
NEVER_STAFF = {"/admin/members/{member}/remove-spammer"}


@pytest.mark.parametrize("target_role", [Role.MODERATOR, Role.ADMIN])
@pytest.mark.parametrize("role", ["moderator", "admin"])
def test_only_admins_act_on_moderators_and_admins(seeded, role, target_role):
    target = make_user(role=target_role)
    target.suspended_until, target.suspension_reason = clock.now() + timedelta(days=1), "Testing"
    db.session.commit()
    client = client_as(seeded, role)
    for action in MEMBER_ACTIONS:
        url = action.format(member=target.id)
        status = post(
            client,
            url,
            {
                "until": "2099-01-01T00:00",
                "reason": "Testing",
                "spam-until": "2099-01-01T00:00",
                "spam-reason": "Testing",
            },
        ).status_code
        if role == "moderator" or action in NEVER_STAFF:
            # Nobody removes a moderator or admin as a spammer; moderators cannot act on them at all.
            assert status == 403, (role, url, status)
        else:
            assert status in (200, 302, 422), (role, url, status)

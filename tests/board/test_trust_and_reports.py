"""Trust before power: reports from new accounts and from members still in pre-moderation are
recorded but hide nothing; a moderator's post is never hidden by reports; reporting is rate limited."""

from datetime import datetime, timedelta

from sqlalchemy import func, select

from kb.auth.models import Role
from kb.board.models import PostFlag, PostState
from kb.platform import clock
from kb.platform.extensions import db
from tests.board.conftest import post, posts_in, start, the_thread
from tests.factories import make_user


def established(user, days: int = 30):
    """An account that joined long enough ago for its reports to count."""
    user.created_at = clock.now() - timedelta(days=days)
    db.session.commit()
    return user


def reporters(count: int, **profile) -> list:
    return [make_user(display_name=f"Reporter {number}", **profile) for number in range(1, count + 1)]


def report(client_of, people, target, reason="spam"):
    for person in people:
        response = post(client_of(person), f"/board/p/{target.id}/flag", {"reason": reason})
        assert response.status_code == 302, response.get_data(as_text=True)


def open_reports(target) -> int:
    return db.session.scalar(
        select(func.count(PostFlag.id)).where(PostFlag.post_id == target.id, PostFlag.resolution.is_(None))
    )


def test_three_fresh_accounts_do_not_hide_a_moderators_post(board, people, client_of):
    board.config["KB_REPORTER_MIN_ACCOUNT_DAYS"] = 2
    start(client_of(people["mod"]), title="House rules for the board", body="Be kind; stay on topic.")
    rules_post = posts_in(the_thread("House rules for the board"))[0]
    report(client_of, reporters(3), rules_post)
    db.session.refresh(rules_post)
    assert rules_post.state == PostState.VISIBLE
    assert open_reports(rules_post) == 3  # recorded, and waiting in the reports queue
    assert "House rules for the board" in client_of(people["mod"]).get("/moderation/reports").get_data(as_text=True)


def test_even_established_members_cannot_hide_a_moderators_post_by_reports(board, people, client_of):
    admin = make_user(display_name="Ada Admin", role=Role.ADMIN)
    start(client_of(admin), title="Announcement from the admins", body="The board moves on Monday.")
    announcement = posts_in(the_thread("Announcement from the admins"))[0]
    report(client_of, [established(person) for person in reporters(4)], announcement)
    db.session.refresh(announcement)
    assert announcement.state == PostState.VISIBLE and open_reports(announcement) == 4


def test_reports_from_new_accounts_are_shown_to_moderators_but_do_not_count(board, people, client_of):
    board.config["KB_REPORTER_MIN_ACCOUNT_DAYS"] = 2
    start(client_of(people["ann"]), body="Buy cheap pens at example.com")
    spam = posts_in(the_thread())[0]
    newcomers = reporters(3)
    report(client_of, newcomers, spam)
    db.session.refresh(spam)
    assert spam.state == PostState.VISIBLE
    queue = client_of(people["mod"]).get("/moderation/reports").get_data(as_text=True)
    assert "3 reports" in queue and queue.count("does not count toward hiding") == 3
    # Reports from established members count: the third of those hides it.
    report(client_of, [established(person) for person in reporters(2)], spam)
    db.session.refresh(spam)
    assert spam.state == PostState.VISIBLE  # two reports that count, of five
    report(client_of, [established(make_user())], spam)
    db.session.refresh(spam)
    assert spam.state == PostState.HIDDEN


def test_reports_from_members_in_pre_moderation_do_not_count(board, people, client_of):
    start(client_of(people["ann"]), body="A post some people dislike")
    target = posts_in(the_thread())[0]
    board.config["KB_PREMODERATION_POSTS"] = 3
    board.config["KB_FLAGS_TO_HIDE"] = 1
    newcomer = established(make_user(display_name="Nell Newcomer"))
    report(client_of, [newcomer], target)
    db.session.refresh(target)
    assert target.state == PostState.VISIBLE and open_reports(target) == 1
    queue = client_of(people["mod"]).get("/moderation/reports").get_data(as_text=True)
    assert "Nell Newcomer" in queue and "does not count toward hiding: their first posts still wait" in queue
    trusted = established(make_user(display_name="Tess Trusted"))
    trusted.trusted = True
    db.session.commit()
    report(client_of, [trusted], target)
    db.session.refresh(target)
    assert target.state == PostState.HIDDEN


def test_reporting_is_rate_limited_per_member(board, people, client_of):
    board.config["KB_REPORTS_PER_HOUR"] = 2
    ann, ben = client_of(people["ann"]), client_of(people["ben"])
    clock.freeze(datetime(2026, 5, 1, 10, 0, 0))
    for number in range(3):
        start(ann, title=f"Thread number {number}", body=f"Post number {number}")
    targets = [posts_in(the_thread(f"Thread number {number}"))[0] for number in range(3)]
    for target in targets[:2]:
        assert post(ben, f"/board/p/{target.id}/flag", {"reason": "spam"}).status_code == 302
    response = post(ben, f"/board/p/{targets[2].id}/flag", {"reason": "other", "note": "Looks like an advert"})
    page = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "You have sent 2 reports in the last hour" in page and "Looks like an advert" in page
    assert open_reports(targets[2]) == 0
    clock.freeze(datetime(2026, 5, 1, 11, 0, 1))
    assert post(ben, f"/board/p/{targets[2].id}/flag", {"reason": "spam"}).status_code == 302
    assert open_reports(targets[2]) == 1

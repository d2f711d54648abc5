"""Only admins act on moderators and admins: moderators can neither suspend them, lift their
suspension, remove them as spammers nor "restore" them. Checked through the routes and the pages."""

from datetime import timedelta

import pytest

from kb.auth import service as accounts
from kb.auth.models import Role, User
from kb.board import moderation
from kb.platform import clock
from kb.platform.extensions import db
from tests.factories import make_user
from tests.library.conftest import post
from tests.moderation.test_audit_log import logged_in

UNTIL = "2099-01-01T00:00"


@pytest.fixture
def staff(seeded):
    return {
        "mo": make_user(display_name="Mo Moderator", role=Role.MODERATOR),
        "max": make_user(display_name="Max Moderator", role=Role.MODERATOR),
        "ada": make_user(display_name="Ada Admin", role=Role.ADMIN),
        "abe": make_user(display_name="Abe Admin", role=Role.ADMIN),
    }


def suspended_by_an_admin(member: User, admin: User) -> User:
    accounts.suspend_member(member, until=clock.now() + timedelta(days=7), reason="Cooling off", by=admin)
    return member


def still_suspended(member: User) -> bool:
    return db.session.get(User, member.id).is_suspended()


@pytest.mark.parametrize("target", ["max", "abe"])
def test_a_moderator_cannot_lift_the_suspension_of_a_moderator_or_admin(seeded, staff, target):
    member = suspended_by_an_admin(staff[target], staff["ada"])
    mo = logged_in(seeded, staff["mo"])
    page = mo.get(f"/admin/members/{member.id}/suspend").get_data(as_text=True)
    assert "Lift the suspension" not in page and "Only an admin can" in page
    assert post(mo, f"/admin/members/{member.id}/unsuspend").status_code == 403
    assert still_suspended(member)
    ada = logged_in(seeded, staff["ada"])
    assert "Lift the suspension" in ada.get(f"/admin/members/{member.id}/suspend").get_data(as_text=True)
    post(ada, f"/admin/members/{member.id}/unsuspend")
    assert not still_suspended(member)


@pytest.mark.parametrize("target", ["max", "abe"])
def test_a_moderator_cannot_restore_a_moderator_or_admin(seeded, staff, target):
    member = suspended_by_an_admin(staff[target], staff["ada"])
    mo = logged_in(seeded, staff["mo"])
    assert "Restore" not in mo.get(f"/admin/members/{member.id}").get_data(as_text=True)
    assert post(mo, f"/admin/members/{member.id}/restore").status_code == 403
    assert still_suspended(member)
    assert "restore member" not in mo.get("/moderation/log").get_data(as_text=True).lower()


@pytest.mark.parametrize("target", ["max", "abe"])
def test_a_moderator_cannot_suspend_or_remove_as_spammer_a_moderator_or_admin(seeded, staff, target):
    member = staff[target]
    mo = logged_in(seeded, staff["mo"])
    page = mo.get(f"/admin/members/{member.id}").get_data(as_text=True)
    assert "Remove as a spammer" not in page and f'/admin/members/{member.id}/suspend"' not in page
    assert "Only an admin can" in mo.get(f"/admin/members/{member.id}/suspend").get_data(as_text=True)
    response = post(mo, f"/admin/members/{member.id}/suspend", {"until": UNTIL, "reason": "Disagreement"})
    assert response.status_code == 403
    response = post(
        mo, f"/admin/members/{member.id}/remove-spammer", {"spam-until": UNTIL, "spam-reason": "Disagreement"}
    )
    assert response.status_code == 403
    assert not still_suspended(member)


def test_an_admin_suspends_and_lifts_a_moderators_suspension_but_never_their_own(seeded, staff):
    ada = logged_in(seeded, staff["ada"])
    post(ada, f"/admin/members/{staff['max'].id}/suspend", {"until": UNTIL, "reason": "Cooling off"})
    assert still_suspended(staff["max"])
    response = post(ada, f"/admin/members/{staff['ada'].id}/suspend", {"until": UNTIL, "reason": "Me"})
    assert response.status_code == 403 and not still_suspended(staff["ada"])


def test_moderators_still_lift_and_restore_members(seeded, staff):
    member = make_user(display_name="Pat Poster")
    moderation.remove_spammer(member, staff["mo"], clock.now() + timedelta(days=365), "Spam by mistake")
    max_ = logged_in(seeded, staff["max"])
    assert "Restore Pat Poster" in max_.get(f"/admin/members/{member.id}").get_data(as_text=True)
    assert post(max_, f"/admin/members/{member.id}/restore").status_code == 302
    assert not still_suspended(member)

"""Members as moderators and admins see them: search, record, history, roles."""

from kb.auth import deletion
from kb.auth.models import Role, User
from kb.board import moderation, service
from kb.platform import audit
from kb.platform.extensions import db
from tests.board.conftest import category
from tests.factories import PASSWORD, make_user
from tests.library.conftest import post
from tests.moderation.test_audit_log import logged_in


def test_moderators_find_members_and_see_their_record_and_history(seeded):
    seeded.config["KB_PREMODERATION_POSTS"] = 0
    mod = make_user(display_name="Mo Moderator", role=Role.MODERATOR)
    sam = make_user(display_name="Sam Spammer", organisation="Cheap Pens Ltd", email="sam@pens.example")
    make_user(display_name="Priya Practitioner", organisation="Leeds CVS")
    pens = service.start_thread(category("general"), "Buy our pens today", "Cheap pens", by=sam)
    moderation.hide_post(pens, mod, "Advertising")
    client = logged_in(seeded, mod)
    for query, expected, absent in (
        ("pens", "Sam Spammer", "Priya"),
        ("LEEDS", "Priya Practitioner", "Sam"),
        ("sam@pens", "Sam Spammer", "Priya"),
    ):
        page = client.get(f"/admin/members?q={query}").get_data(as_text=True)
        assert expected in page and absent not in page, query
    page = client.get(f"/admin/members/{sam.id}").get_data(as_text=True)
    assert "1 hidden by moderators" in page and "Advertising" in page
    assert "Change role" not in page  # moderators see, admins change roles


def test_admins_change_roles_but_never_their_own_or_the_last_admin(seeded):
    ada = make_user(display_name="Ada Admin", role=Role.ADMIN)
    member = make_user(display_name="Member Meg")
    client = logged_in(seeded, ada)
    post(client, f"/admin/members/{member.id}/role", {"role": "moderator"})
    assert db.session.get(User, member.id).role == "moderator"
    response = post(client, f"/admin/members/{ada.id}/role", {"role": "member"})
    assert "You cannot change your own role" in client.get(response.headers["Location"]).get_data(as_text=True)
    post(client, f"/admin/members/{member.id}/role", {"role": "admin"})
    other_admin = logged_in(seeded, db.session.get(User, member.id))
    post(other_admin, f"/admin/members/{ada.id}/role", {"role": "member"})
    assert db.session.get(User, ada.id).role == "member"
    # Meg is now the only admin: nobody can demote her, and she cannot demote herself.
    response = post(other_admin, f"/admin/members/{member.id}/role", {"role": "member"})
    assert db.session.get(User, member.id).role == "admin"
    response = post(client, f"/admin/members/{member.id}/role", {"role": "member"})
    assert response.status_code == 403  # Ada is no longer an admin (nor a moderator)


def test_role_changes_need_an_admin(seeded):
    mod = make_user(role=Role.MODERATOR)
    member = make_user()
    assert post(logged_in(seeded, mod), f"/admin/members/{member.id}/role", {"role": "admin"}).status_code == 403
    assert logged_in(seeded, member).get("/admin/members").status_code == 403
    assert db.session.get(User, member.id).role == "member"


def test_removing_a_spammer_suspends_and_hides_everything_and_can_be_undone(seeded):
    seeded.config["KB_PREMODERATION_POSTS"] = 0
    mod = make_user(display_name="Mo Moderator", role=Role.MODERATOR)
    sam = make_user(display_name="Sam Spammer")
    first = service.start_thread(category("general"), "Buy our pens today", "Cheap pens", by=sam)
    second = service.reply(first.thread, "More cheap pens", by=sam)
    client = logged_in(seeded, mod)
    response = post(client, f"/admin/members/{sam.id}/remove-spammer", {"spam-until": "", "spam-reason": "Spam"})
    assert response.status_code == 422 and "Enter when the suspension ends" in response.get_data(as_text=True)
    post(client, f"/admin/members/{sam.id}/remove-spammer", {"spam-until": "2099-01-01T00:00", "spam-reason": "Spam"})
    assert db.session.get(User, sam.id).is_suspended()
    assert {db.session.get(type(first), p.id).state for p in (first, second)} == {"hidden"}
    post(client, f"/admin/members/{sam.id}/restore")
    assert not db.session.get(User, sam.id).is_suspended()
    assert {db.session.get(type(first), p.id).state for p in (first, second)} == {"visible"}
    log = client.get("/moderation/log").get_data(as_text=True)
    assert "Remove spammer" in log and "Restore member" in log


def test_member_history_is_matched_by_kind_and_id(seeded):
    """A member's history holds decisions about them and their own work: none about a deleted
    member's posts, nor about a thread or anything else whose id is the member's number."""
    seeded.config["KB_PREMODERATION_POSTS"] = 0
    mod = make_user(display_name="Mo Moderator", role=Role.MODERATOR)
    dee = make_user(display_name="Dee Departing")  # the newest account, with the newest thread and post
    pens = service.start_thread(category("general"), "Buy our pens today", "Cheap pens", by=dee)
    moderation.hide_post(pens, mod, "Advertising pens")
    deletion.delete_account(dee, PASSWORD, remove_published=True)
    nia = make_user(display_name="Nia Newcomer")
    mine = service.start_thread(category("general"), "Sharing a building with a charity", "Any tips?", by=nia)
    moderation.hide_post(mine, mod, "Posted twice")
    audit.record(mod, "lock thread", "board thread", nia.id, "A thread with her number")
    audit.record(mod, "edit collection", "collection", nia.id, "A collection with her number")
    db.session.commit()
    page = logged_in(seeded, mod).get(f"/admin/members/{nia.id}").get_data(as_text=True)
    assert "Posted twice" in page
    assert "Advertising pens" not in page
    assert "A thread with her number" not in page and "A collection with her number" not in page

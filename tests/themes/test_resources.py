"""Moderators curate each theme's reading list; the seed then leaves it alone."""

from kb.app.seeding import load_seed
from kb.auth.models import Role
from kb.platform.extensions import db
from kb.themes.models import Theme, ThemeResource
from tests.conftest import SEED_DIR, sign_in
from tests.factories import make_user
from tests.library.conftest import post


def reading_list(client, slug="funding-it-better") -> str:
    page = client.get(f"/themes/{slug}").get_data(as_text=True)
    return page.split("Where can I find more information?")[1].split("</section>")[0]


def test_moderators_add_edit_reorder_and_retire_resources(seeded, client):
    mod = make_user(role=Role.MODERATOR)
    moderator = seeded.test_client()
    sign_in(moderator, mod)
    theme = db.session.query(Theme).filter_by(slug="funding-it-better").one()
    first_seeded, last_seeded = theme.resources[0].title, theme.resources[-1].title

    response = post(
        moderator, "/moderation/themes/funding-it-better/resources", {"title": "A toolkit", "url": "ftp://x"}
    )
    assert response.status_code == 422 and "starting with https://" in response.get_data(as_text=True)
    assert "A toolkit" in response.get_data(as_text=True)  # what was typed is kept
    post(
        moderator,
        "/moderation/themes/funding-it-better/resources",
        {"title": "Full cost recovery toolkit", "url": "https://example.org/fcr", "description": "How to price."},
    )
    added = db.session.query(ThemeResource).filter_by(title="Full cost recovery toolkit").one()
    assert "How to price." in reading_list(client)
    post(moderator, f"/moderation/resources/{added.id}/up")
    listed = reading_list(client)
    assert listed.index("Full cost recovery toolkit") < listed.index(last_seeded)
    retired = db.session.query(ThemeResource).filter_by(title=first_seeded).one()
    post(moderator, f"/moderation/resources/{retired.id}/retire")
    assert first_seeded not in reading_list(client)
    assert "Retired" in moderator.get("/moderation/themes/funding-it-better/resources").get_data(as_text=True)
    post(moderator, f"/moderation/resources/{added.id}", {"title": "FCR toolkit", "url": "https://example.org/fcr"})
    assert "FCR toolkit" in reading_list(client)

    # The seed now leaves this theme's list as the moderators made it.
    summary = load_seed(SEED_DIR).summary()
    assert "kept as they are" in summary
    assert first_seeded not in reading_list(client) and "FCR toolkit" in reading_list(client)
    assert "Retire resource" in moderator.get("/moderation/log").get_data(as_text=True)


def test_members_cannot_change_reading_lists(seeded):
    member = seeded.test_client()
    sign_in(member, make_user())
    assert member.get("/moderation/themes/funding-it-better/resources").status_code == 403
    resource = db.session.query(ThemeResource).first()
    assert post(member, f"/moderation/resources/{resource.id}/retire").status_code == 403
    assert not db.session.get(ThemeResource, resource.id).retired

"""The moderation hub: what is waiting across the library and the board, counted in the navigation."""

from kb.auth.models import Role
from kb.board import service as board
from kb.board.queries import category_by_slug
from tests.factories import make_user
from tests.library.conftest import make_item
from tests.moderation.test_audit_log import logged_in


def test_the_hub_counts_and_lists_what_is_waiting(seeded):
    author, mod = make_user(display_name="Asha"), make_user(display_name="Mo", role=Role.MODERATOR)
    make_item(author, status="submitted", title="A case study to review")
    seeded.config["KB_PREMODERATION_POSTS"] = 3
    board.start_thread(category_by_slug("general"), "A newcomer's question", "Hello?", by=author)
    client = logged_in(seeded, mod)
    page = client.get("/moderation").get_data(as_text=True)
    assert '<span class="count-badge">2<span class="visually-hidden"> waiting</span></span>' in page
    assert "A case study to review" in page and "A newcomer&#39;s question" in page
    assert "No open reports." in page


def test_members_do_not_see_the_hub_or_its_counts(seeded):
    member = make_user()
    client = logged_in(seeded, member)
    assert client.get("/moderation").status_code == 403
    assert "waiting</span>" not in client.get("/").get_data(as_text=True)

"""/my/data: a member downloads everything held about them, as JSON and a readable HTML copy in a
zip; each feature adds its part, and nobody else's data comes with it."""

from __future__ import annotations

import io
import json
import re
import zipfile

import pytest
from sqlalchemy import select

from kb.auth.models import Role
from kb.board import service as board
from kb.board.models import BoardPost
from kb.library import service as library
from kb.partnerships import service as partnerships
from kb.platform.extensions import db
from kb.platform.notifications import Kind, tell
from kb.themes.models import Theme
from tests.conftest import sign_in
from tests.factories import make_item, make_thread, make_user


def download(client) -> tuple[dict, str]:
    response = client.get("/my/data.zip")
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"].startswith("attachment")
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
        assert sorted(archive.namelist()) == ["common-ground-data.html", "common-ground-data.json"]
        return (json.loads(archive.read("common-ground-data.json")), archive.read("common-ground-data.html").decode())


@pytest.fixture
def member_with_history(seeded):
    """A member who wrote, posted, reported, was told something and answered a health-check; and
    another member in the same thread, whose data must stay out of the first one's download."""
    me = make_user(email="mine@example.org", display_name="Mina Member")
    other = make_user(email="someone-else@example.org", display_name="Otto Other")
    moderator = make_user(role=Role.MODERATOR)
    me.trusted = other.trusted = True  # their posts skip pre-moderation
    make_item(me, status="draft", title="Our <script> plan for joint work")
    rejected = make_item(me, status="submitted", title="A plan the moderators turned down")
    library.reject(rejected, by=moderator, reason="Needs the outcome described")
    thread = make_thread(other, title="Funding small charities together")
    mine = board.reply(thread, "My first words on funding", by=me)
    board.edit_post(mine, "My second words on funding", by=me)
    theirs = board.reply(thread, "Otto's private musings on grants", by=other)
    board.flag_post(theirs, by=me, reason="off-topic", note="Nothing to do with funding")
    board.watch(me, thread)
    tell(me, Kind.DECISIONS, "Our lesson", message="Your lesson was published")
    db.session.commit()
    partnership = partnerships.register_partnership("Stratford Partnership", "West Midlands", "", "public body", by=me)
    round_ = partnerships.open_round(partnership, "2026", None, by=me)
    theme = db.session.scalars(select(Theme).order_by(Theme.position)).first()
    pair = theme.checklist[0]
    partnerships.save_theme_answers(
        round_, theme, {pair.id: partnerships.ItemAnswer("mostly", "We map yearly")}, "", member=me, by=me
    )
    return me, other, theirs


def test_the_download_holds_each_part_of_the_members_own_data(client, member_with_history):
    me, other, theirs = member_with_history
    sign_in(client, me)
    data, html = download(client)
    parts = data["parts"]
    assert {"account", "notifications", "mail", "library", "board", "collections", "partnerships"} <= set(parts)

    profile = parts["account"]["data"]["profile"]
    assert profile["email"] == "mine@example.org" and profile["sector"] == "public body"
    assert profile["email_verified_at"] and re.match(r"\d{4}-\d\d-\d\dT", profile["created_at"])
    assert parts["account"]["data"]["signed_in_sessions"], "the browser that downloads is signed in"
    assert "secret_hash" not in json.dumps(parts["account"])

    items = {item["title"]: item for item in parts["library"]["data"]}
    assert items["Our <script> plan for joint work"]["status"] == "draft"
    assert (
        items["Our <script> plan for joint work"]["revisions"][0]["fields"]["title"]
        == "Our <script> plan for joint work"
    )
    assert items["A plan the moderators turned down"]["moderator_note"] == "Needs the outcome described"

    activity = parts["board"]["data"]
    [post] = activity["posts"]
    assert post["body"] == "My second words on funding"
    assert post["earlier_versions"][0]["body"] == "My first words on funding"
    assert post["thread"]["title"] == "Funding small charities together"
    assert activity["reports"] == [
        {**activity["reports"][0], "reason": "off-topic", "note": "Nothing to do with funding", "post_id": theirs.id}
    ]
    assert activity["watched_threads"][0]["title"] == "Funding small charities together"

    assert "Your lesson was published" in [note["message"] for note in parts["notifications"]["data"]]
    held = parts["partnerships"]["data"]
    assert held["memberships"][0]["partnership"] == "Stratford Partnership"
    assert held["health_check_answers"][0]["comment"] == "We map yearly"
    assert held["health_check_answers"][0]["rating"] == "mostly"

    everything = json.dumps(data)
    for others in ("someone-else@example.org", "Otto Other", "Otto's private musings", "Post number 1"):
        assert others not in everything and others not in html
    # The other member's post is there, in the member's thread, just not in the member's download.
    assert db.session.get(BoardPost, theirs.id).body == "Otto's private musings on grants"


def test_the_html_copy_holds_the_same_escaped_with_a_heading_per_part(client, member_with_history):
    me, _other, _theirs = member_with_history
    sign_in(client, me)
    data, html = download(client)
    assert "<script>" not in html
    assert "Our &lt;script&gt; plan for joint work" in html
    for text in ("mine@example.org", "My second words on funding", "Nothing to do with funding", "We map yearly"):
        assert text in html
    headings = re.findall(r"<h(\d)>([^<]*)</h\d>", html)
    assert headings[0] == ("1", "Your data from Common Ground")
    assert [title for level, title in headings[1:] if level == "2"] == [
        part["title"] for part in data["parts"].values()
    ]


def test_the_page_explains_the_download_and_anonymous_visitors_log_in_first(client, member_with_history):
    for address in ("/my/data", "/my/data.zip"):
        response = client.get(address)
        assert response.status_code == 302 and "/login" in response.headers["Location"]
    sign_in(client, member_with_history[0])
    page = client.get("/my/data").get_data(as_text=True)
    levels = [int(level) for level in re.findall(r"<h([1-6])\b", page.split("<main", 1)[1])]
    assert levels[0] == 1 and all(later - earlier <= 1 for earlier, later in zip(levels, levels[1:], strict=False))
    assert re.search(r'<a class="button" href="/my/data.zip"[^>]*>Download my data \(zip file\)</a>', page)
    assert "Your case studies and lessons" in page
    assert 'href="/my/data"' in client.get("/account").get_data(as_text=True)

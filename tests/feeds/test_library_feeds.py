"""The newest case studies and lessons as Atom: everything published, nothing else, whoever asks."""

from __future__ import annotations

from datetime import datetime, timedelta

from kb.library import service as library
from kb.library import tags
from kb.library.models import Kind, Tag
from kb.platform import clock
from kb.platform.extensions import db
from tests.conftest import sign_in
from tests.factories import make_item
from tests.feeds.conftest import read_feed


def unpublished_work(author, moderator) -> dict[str, str]:
    """An item in every state nobody but its author and the moderators may read, each with its own word."""
    words = {}
    for status in ("draft", "submitted"):
        words[status] = f"qz{status}zq"
        make_item(author, status=status, title=f"Not yet {words[status]}", body=f"Body {words[status]}")
    rejected = make_item(author, status="submitted", title="Turned down qzrejectedzq")
    library.reject(rejected, by=moderator, reason="Off topic.")
    words["rejected"] = "qzrejectedzq"
    sent_back = make_item(author, status="submitted", title="Sent back qzchangeszq")
    library.request_changes(sent_back, by=moderator, note="More, please.")
    words["changes requested"] = "qzchangeszq"
    edited = make_item(author, title="Published with an edit waiting", body="The approved words.", moderator=moderator)
    waiting = library.fields_of(edited)
    waiting.body = "A proposed change qzpendingzq"
    library.save_item(edited, waiting, by=author, opened_at_revision=edited.revision_number)
    words["pending edit"] = "qzpendingzq"
    archived = make_item(author, title="Archived qzarchivedzq", moderator=moderator)
    library.archive(archived, by=moderator, reason="Out of date.")
    words["archived"] = "qzarchivedzq"
    return words


def test_the_latest_feed_holds_published_work_and_nothing_else_even_for_a_moderator(
    client, browser_of, author, moderator
):
    words = unpublished_work(author, moderator)
    make_item(author, kind=Kind.LESSON, title="Agree the criteria first", moderator=moderator)
    for reader in (client, browser_of(moderator), browser_of(author)):
        feed = read_feed(reader, "/feeds/latest.atom")
        assert "Agree the criteria first" in feed.titles
        assert "Published with an edit waiting" in feed.titles
        # The leaflet's five case studies and five lessons come with the seed.
        assert len(feed.entries) == 12
        for what, word in words.items():
            assert word not in feed.text, f"the {what} reached the feed"
        assert "The approved words." in feed.entry("Published with an edit waiting").content[0].value


def test_entries_carry_a_permanent_id_the_approved_html_an_author_and_dates(client, author, moderator):
    clock.freeze(datetime(2026, 3, 2, 9, 30))
    item = make_item(
        author,
        title="A single gateway for grants",
        summary="One way to apply.",
        body="## What we did\n\nOne *gateway*.\n\n<script>alert(1)</script>",
        moderator=moderator,
        tags=["grants"],
    )
    clock.freeze(None)
    entry = read_feed(client, "/feeds/latest.atom").entry("A single gateway for grants")
    assert entry.id == f"http://127.0.0.1:5000/case-studies/{item.id}"
    assert entry.link == f"http://127.0.0.1:5000/case-studies/{item.id}-{item.slug}"
    assert entry.author == "Asha Author"
    assert entry.summary == "One way to apply."
    assert entry.updated == entry.published == "2026-03-02T09:30:00Z"
    # The same sanitised HTML the page shows: markup kept, the script escaped by the Markdown renderer.
    assert entry.content[0].type == "text/html"
    assert "<h2>What we did</h2>" in entry.content[0].value and "<script>" not in entry.content[0].value
    assert {tag.term for tag in entry.tags} >= {"case_study", "improving-understanding", "grants"}

    # A new title changes the address, never the id: a reader does not see the entry twice.
    changed = library.fields_of(item)
    changed.title = "One gateway for every grant"
    library.save_item(item, changed, by=moderator, opened_at_revision=item.revision_number)
    renamed = read_feed(client, "/feeds/latest.atom").entry("One gateway for every grant")
    assert renamed.id == entry.id and renamed.link.endswith(f"/case-studies/{item.id}-one-gateway-for-every-grant")


def test_an_author_whose_account_has_gone_is_a_former_member_and_the_leaflet_is_credited(client, author, moderator):
    item = make_item(author, title="Written by someone who left", moderator=moderator)
    item.author = None
    db.session.commit()
    feed = read_feed(client, "/feeds/latest.atom")
    assert feed.entry("Written by someone who left").author == "A former member"
    assert {entry.author for entry in feed.entries if entry.title != "Written by someone who left"} == {
        "Local Partnerships Taskforce"
    }


def test_a_lesson_without_a_summary_is_summarised_by_its_first_words(client, author, moderator):
    make_item(
        author,
        kind=Kind.LESSON,
        title="Meet before you bid",
        body="Meeting early " + "saved time. " * 60,
        moderator=moderator,
    )
    summary = read_feed(client, "/feeds/latest.atom").entry("Meet before you bid").summary
    assert summary.startswith("Meeting early saved time.") and summary.endswith("…") and len(summary) <= 301


def test_a_feed_keeps_to_the_newest_thirty(client, author, moderator):
    tomorrow = clock.now() + timedelta(days=1)  # after the leaflet's items, published with the seed
    for number in range(31):
        clock.freeze(tomorrow + timedelta(minutes=number))
        make_item(author, title=f"Case study number {number}", moderator=moderator)
    clock.freeze(None)
    titles = read_feed(client, "/feeds/latest.atom").titles
    assert len(titles) == 30 and titles[0] == "Case study number 30" and "Case study number 0" not in titles


def test_a_theme_feed_holds_the_themes_published_work(client, author, moderator):
    make_item(author, title="Pooled budgets in Suffolk", theme_slugs=["funding-it-better"], moderator=moderator)
    make_item(author, title="Training together", theme_slugs=["improving-understanding"], moderator=moderator)
    make_item(author, status="draft", title="Draft on funding qzdraftzq", theme_slugs=["funding-it-better"])
    feed = read_feed(client, "/feeds/themes/funding-it-better.atom")
    assert feed.parsed.feed.title == "Funding it better: new case studies and lessons"
    assert "Pooled budgets in Suffolk" in feed.titles and "Training together" not in feed.titles
    assert "qzdraftzq" not in feed.text
    assert all("funding-it-better" in {tag.term for tag in entry.tags} for entry in feed.entries)
    assert feed.parsed.feed.link == "http://127.0.0.1:5000/themes/funding-it-better"
    assert client.get("/feeds/themes/no-such-theme.atom").status_code == 404


def test_a_tag_feed_follows_a_renamed_tag_and_knows_no_unknown_tag(client, author, moderator):
    make_item(author, title="Grants made simple", tags=["grants", "forms"], moderator=moderator)
    make_item(author, title="Nothing about grants", tags=["training"], moderator=moderator)
    make_item(author, status="draft", title="Draft grants qzdraftzq", tags=["grants"])
    feed = read_feed(client, "/feeds/tags/grants.atom")
    assert feed.titles == ["Grants made simple"] and "qzdraftzq" not in feed.text
    assert feed.parsed.feed.title == "Case studies and lessons tagged “grants”"
    assert client.get("/feeds/tags/no-such-tag.atom").status_code == 404

    grants = db.session.query(Tag).filter_by(name="grants").one()
    tags.rename_or_merge(grants, "funding", by=moderator)
    moved = client.get("/feeds/tags/grants.atom")
    assert moved.status_code == 301 and moved.headers["Location"].endswith("/feeds/tags/funding.atom")
    assert read_feed(client, "/feeds/tags/funding.atom").titles == ["Grants made simple"]
    # A tag written with capitals or spaces, as people type it, is the same tag.
    assert read_feed(client, "/feeds/tags/FUNDING.atom").titles == ["Grants made simple"]


def test_a_feed_with_nothing_in_it_is_still_a_valid_feed(client, author):
    feed = read_feed(client, "/feeds/search.atom?q=qznothingmatcheszq")
    assert feed.entries == [] and feed.parsed.feed.updated == "1970-01-01T00:00:00Z"


def answer(response) -> tuple:
    return response.status_code, response.mimetype, response.headers.get("Location")


def test_a_tag_used_only_on_unpublished_work_answers_like_a_tag_nobody_wrote(client, author, moderator):
    make_item(author, status="draft", title="Only a draft on this tag", tags=["lonely"])
    make_item(author, status="submitted", title="Waiting on this tag", tags=["waiting"])
    unknown = answer(client.get("/feeds/tags/no-such-tag.atom"))
    assert unknown[0] == 404
    assert answer(client.get("/feeds/tags/lonely.atom")) == unknown
    assert answer(client.get("/feeds/tags/waiting.atom")) == unknown
    # Its old name, after a rename, does not point to it either: no redirect says it exists.
    lonely = db.session.query(Tag).filter_by(name="lonely").one()
    tags.rename_or_merge(lonely, "quiet", by=moderator)
    assert answer(client.get("/feeds/tags/lonely.atom")) == unknown
    assert answer(client.get("/feeds/tags/quiet.atom")) == unknown
    assert answer(client.get("/case-studies?tag=lonely")) == answer(client.get("/case-studies?tag=no-such-tag"))

    # Once published work carries it, it is a tag like any other.
    make_item(author, title="Now published on this tag", tags=["quiet"], moderator=moderator)
    assert read_feed(client, "/feeds/tags/quiet.atom").titles == ["Now published on this tag"]
    assert client.get("/feeds/tags/lonely.atom").status_code == 301


def test_the_feed_is_the_same_for_a_signed_in_moderator_as_for_a_visitor(client, app, moderator, author):
    make_item(author, status="submitted", title="Waiting for review qzsubmittedzq")
    visitor = client.get("/feeds/latest.atom").get_data()
    reviewer = sign_in(app.test_client(), moderator).get("/feeds/latest.atom").get_data()
    assert visitor == reviewer

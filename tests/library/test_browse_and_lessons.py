"""Browsing with filters and pages; lessons, on their own and drawn from a case study; the leaflet's
case studies on their theme pages."""

import re

from sqlalchemy import select

from kb.app.seeding import load_seed
from kb.auth.models import Role
from kb.library.models import Kind, LibraryItem
from kb.platform.extensions import db
from tests.conftest import SEED_DIR
from tests.factories import make_item, make_user
from tests.library.conftest import LESSON_FORM, post


def titles(page: str) -> list[str]:
    return re.findall(r'class="item-card__title"><a href="[^"]+">([^<]+)</a>', page)


def test_the_leaflets_five_case_studies_are_published_on_their_theme_pages(client):
    load_seed(SEED_DIR)
    listing = client.get("/case-studies").get_data(as_text=True)
    assert "5 case studies" in listing
    page = client.get("/themes/joining-up-policy").get_data(as_text=True)
    assert "Using the Compact to join-up policy" in page
    item = db.session.scalar(select(LibraryItem).where(LibraryItem.seed_key == "leaflet-case-study-3"))
    assert item.status == "published" and item.credit == "Local Partnerships Taskforce"
    assert item.region == "Yorkshire and the Humber" and item.year_started == 1999
    assert load_seed(SEED_DIR).summary().startswith("Nothing to change")


def test_filters_combine_and_each_view_has_its_own_address(client, author):
    make_item(author, title="London grants story", region="London", sectors=["public body"], tags=["grants"])
    make_item(author, title="London health story", region="London", sectors=["social enterprise"])
    make_item(author, title="Welsh grants story", region="Wales", sectors=["public body"], tags=["grants"])
    assert titles(client.get("/case-studies?region=London").get_data(as_text=True)) == [
        "London health story",
        "London grants story",
    ]
    assert titles(client.get("/case-studies?region=London&sector=public+body").get_data(as_text=True)) == [
        "London grants story"
    ]
    page = client.get("/case-studies?tag=GRANTS").get_data(as_text=True)
    assert titles(page) == ["Welsh grants story", "London grants story"]
    assert "2 case studies" in page
    assert 'href="/case-studies">Clear all filters</a>' in page
    chips = client.get("/case-studies?region=London&sector=public+body").get_data(as_text=True)
    assert 'href="/case-studies?sector=public+body"' in chips  # removing the region chip keeps the sector


def test_lists_are_paged_twenty_at_a_time(client, author):
    moderator = make_user(role=Role.MODERATOR)
    for number in range(23):
        make_item(author, title=f"Story number {number:02d}", moderator=moderator)
    first = client.get("/case-studies").get_data(as_text=True)
    assert len(titles(first)) == 20 and "Page 1 of 2" in first
    second = client.get("/case-studies?page=2").get_data(as_text=True)
    # 23 new ones and the leaflet's 5, newest first.
    assert titles(second)[:3] == ["Story number 02", "Story number 01", "Story number 00"]
    assert len(titles(second)) == 8
    assert client.get("/case-studies?page=99").status_code == 200
    assert client.get("/case-studies?page=abc").status_code == 200


def test_a_lesson_from_a_case_study_is_listed_on_it(client, browser_of, author, moderator):
    case_study = make_item(author, title="The Suffolk single gateway", theme_slugs=["funding-it-better"])
    writer = browser_of(author)
    form_page = writer.get(f"/lessons/new?from={case_study.id}").get_data(as_text=True)
    assert f'<option selected value="{case_study.id}">' in form_page
    post(writer, "/lessons/new", {**LESSON_FORM, "source_case_study": str(case_study.id), "intent": "submit"})
    lesson = db.session.scalar(
        select(LibraryItem).where(LibraryItem.kind == Kind.LESSON.value, LibraryItem.author_id == author.id)
    )
    assert lesson.status == "submitted" and lesson.source_case_study_id == case_study.id
    post(browser_of(moderator), f"/lessons/{lesson.id}/decide", {"decision": "publish", "note": ""})
    page = client.get(f"/case-studies/{case_study.id}-{case_study.slug}").get_data(as_text=True)
    assert "Agree the criteria before the money" in page
    lesson_page = client.get(f"/lessons/{lesson.id}-{lesson.slug}").get_data(as_text=True)
    assert "The Suffolk single gateway" in lesson_page and "Worked well" in lesson_page


def test_theme_pages_set_what_worked_beside_what_did_not(client, author):
    make_item(
        author, kind=Kind.LESSON, title="Pay in advance", outcome="worked well", theme_slugs=["funding-it-better"]
    )
    make_item(
        author, kind=Kind.LESSON, title="Six-month grants", outcome="didn't work", theme_slugs=["funding-it-better"]
    )
    page = client.get("/themes/funding-it-better").get_data(as_text=True)
    worked, failed = page.split("Worked well</h3>")[1].split("Didn't work</h3>")
    assert "Pay in advance" in worked and "Six-month grants" not in worked
    assert "Six-month grants" in failed.split("</section>")[0]
    lessons = client.get("/lessons?outcome=didn%27t+work").get_data(as_text=True)
    assert titles(lessons) == ["Six-month grants"]


def test_each_filter_option_says_how_many_it_would_show(client, author):
    make_item(author, title="London grants story", region="London", theme_slugs=["funding-it-better"])
    make_item(author, title="London compact story", region="London", theme_slugs=["improving-understanding"])
    make_item(author, title="Welsh grants story", region="Wales", theme_slugs=["funding-it-better"])
    draft = make_item(author, status="draft", title="Unpublished London draft", region="London")
    page = client.get("/case-studies?theme=funding-it-better").get_data(as_text=True)
    assert '<option value="London" >London (1)</option>' in page  # given the theme filter
    assert '<option value="Wales" >Wales (1)</option>' in page
    all_regions = client.get("/case-studies").get_data(as_text=True)
    assert '<option value="London" >London (2)</option>' in all_regions  # the draft is not counted
    assert draft.title not in all_regions

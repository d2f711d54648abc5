"""Bad input gets clear field messages and loses nothing; stored XSS is impossible."""

from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from kb.library import service
from kb.library.models import Kind, LibraryItem
from kb.platform.extensions import db
from tests.factories import make_item
from tests.library.conftest import CASE_STUDY_FORM, LESSON_FORM, post


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"title": "Shor"}, "Title must be 5 to 200 characters long"),
        ({"title": "x" * 201}, "Title must be 5 to 200 characters long"),
        ({"themes": []}, "Choose at least one theme"),
        ({"themes": ["not-a-theme"]}, "Choose themes from the list"),
        ({"body": ""}, "Write the case study"),
        ({"body": "x" * 100_001}, "The case study must be 100,000 characters or fewer"),
        ({"summary": "s" * 301}, "Summary must be 300 characters or fewer"),
        ({"tags": ", ".join(f"tag{n}" for n in range(11))}, "Use at most 10 tags"),
        ({"tags": "t" * 41}, "Each tag must be 40 characters or fewer"),
        ({"year_started": "2099"}, "cannot be in the future"),
        ({"year_started": "1200"}, "Enter a year from 1900 onwards"),
        ({"year_started": "last year"}, "Enter the year as four digits, for example 2019"),
        ({"region": "Atlantis"}, "Choose a region from the list"),
    ],
)
def test_bad_case_study_input_is_explained_and_keeps_what_was_typed(browser_of, author, changes, message):
    writer = browser_of(author)
    response = post(writer, "/case-studies/new", {**CASE_STUDY_FORM, **changes, "intent": "submit"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in page
    assert "There is a problem" in page
    assert "Suffolk County Council" in page  # the rest of what was typed is still there
    assert db.session.scalar(select(LibraryItem).where(LibraryItem.author_id == author.id)) is None


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"outcome": ""}, "Say whether it worked well or didn&#39;t work"),
        ({"body": "x" * 2001}, "The lesson must be 2,000 characters or fewer"),
        ({"source_case_study": "99999"}, "Choose a case study from the list"),
    ],
)
def test_bad_lesson_input_is_explained(browser_of, author, changes, message):
    response = post(browser_of(author), "/lessons/new", {**LESSON_FORM, **changes, "intent": "submit"})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)


def test_tags_are_trimmed_lower_cased_and_deduplicated():
    assert service.normalise_tags(" Mental Health, mental  health,GRANTS,, ") == ["mental health", "grants"]


XSS_PAYLOADS = [
    "<script>alert('xss')</script>",
    "<img src=x onerror=alert(1)>",
    "[click me](javascript:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<svg onload=alert(1)><circle r=10 /></svg>",
    '<a href="javascript:alert(1)">link</a>',
    '<iframe src="https://evil.example"></iframe>',
    "<<script>script>alert(1)<</script>/script>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    "![img](javascript:alert(1))",
    '<object data="x.swf"></object><embed src=x>',
    "<details open ontoggle=alert(1)>",
    "[x](JaVaScRiPt:alert(1))",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
]
FORBIDDEN_TAGS = {"script", "iframe", "svg", "object", "embed", "img", "style", "math", "details"}


class ExecutableMarkupFinder(HTMLParser):
    """Collects what a browser could run: dangerous elements, event handlers, script URLs."""

    def __init__(self):
        super().__init__()
        self.found = []

    def handle_starttag(self, tag, attrs):
        if tag in FORBIDDEN_TAGS:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"{tag} {name}=")
            if name in ("href", "src", "action", "formaction", "style") and value:
                compact = "".join(value.split()).lower()
                if compact.startswith(("javascript:", "data:", "vbscript:")) or "javascript:" in compact:
                    self.found.append(f"{tag} {name}={value}")


def executable_markup(html: str) -> list[str]:
    finder = ExecutableMarkupFinder()
    finder.feed(html)
    return finder.found


@pytest.mark.parametrize("kind", [Kind.CASE_STUDY, Kind.LESSON])
def test_no_payload_survives_into_any_page(client, author, kind):
    item = make_item(
        author,
        kind=kind,
        title="Payload carrier",
        body="\n\n".join(XSS_PAYLOADS),
        summary="<script>alert(1)</script>" if kind == Kind.CASE_STUDY else "",
        tags=["<script>x</script>"],
    )
    prefix = "case-studies" if kind == Kind.CASE_STUDY else "lessons"
    for url in (f"/{prefix}/{item.id}-{item.slug}", f"/{prefix}", "/themes/improving-understanding"):
        page = client.get(url).get_data(as_text=True)
        assert "Payload carrier" in page
        assert executable_markup(page) == [], url


def test_the_xss_check_itself_catches_executable_markup():
    assert executable_markup('<p><img src=x onerror="alert(1)"><a href=" javascript:x">a</a></p>') == [
        "<img>",
        "img onerror=",
        "a href= javascript:x",
    ]


def test_links_in_user_text_are_marked_nofollow(client, author):
    item = make_item(author, body="See [our report](https://example.org/report).")
    page = client.get(f"/case-studies/{item.id}-{item.slug}").get_data(as_text=True)
    assert '<a href="https://example.org/report" rel="nofollow ugc">our report</a>' in page


def test_a_level_one_heading_in_user_text_becomes_level_two(client, author):
    item = make_item(author, body="# My heading\n\ntext")
    page = client.get(f"/case-studies/{item.id}-{item.slug}").get_data(as_text=True)
    assert page.count("<h1") == 1 and "<h2>My heading</h2>" in page


def test_line_breaks_count_as_one_character_as_the_text_box_counts_them(browser_of, author):
    body = ("x" * 99 + "\r\n") * 20  # 2,000 characters as the browser counts them, 2,020 as sent
    response = post(browser_of(author), "/lessons/new", {**LESSON_FORM, "body": body[: 2000 + 20 - 2]})
    assert response.status_code == 302
    lesson = db.session.scalar(
        select(LibraryItem).where(LibraryItem.kind == "lesson", LibraryItem.author_id == author.id)
    )
    assert "\r" not in lesson.body


def test_the_same_new_form_posted_twice_makes_one_item(browser_of, author):
    writer = browser_of(author)
    form = {**LESSON_FORM, "creation_token": "3f2a9c0e5b7d4e1fa2c3b4d5e6f70812"}
    first = post(writer, "/lessons/new", form)
    second = post(writer, "/lessons/new", form)
    assert first.headers["Location"] == second.headers["Location"]
    assert db.session.query(LibraryItem).filter_by(kind="lesson", author_id=author.id).count() == 1


@pytest.mark.parametrize(("url", "form"), [("/case-studies/new", CASE_STUDY_FORM), ("/lessons/new", LESSON_FORM)])
def test_a_title_with_a_line_break_is_stored_on_one_line(browser_of, author, url, form):
    """A text box holds one line, but a paste, a script or an old browser can send a break in a title;
    it would reach a mail's Subject (which cannot hold one), feeds and CSV downloads."""
    response = post(
        browser_of(author),
        url,
        {
            **form,
            "title": " Joint work\r\nacross\u2028the\tcounty ",
            "locality": "Ipswich\nand Felixstowe",
            "intent": "draft",
        },
    )
    assert response.status_code == 302
    item = db.session.scalar(select(LibraryItem).where(LibraryItem.author_id == author.id))
    assert item.title == "Joint work across the county"
    assert item.revisions[-1].snapshot["title"] == "Joint work across the county"
    if item.kind == Kind.CASE_STUDY:
        assert item.locality == "Ipswich and Felixstowe"

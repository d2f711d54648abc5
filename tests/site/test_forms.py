"""Every form on the whole site, posted with odd input (any text, NUL, astral characters, huge values,
missing and repeated fields): a 2xx or 3xx, or a 4xx that says what was wrong in the page, never a
5xx; and a refused post stores nothing."""

from __future__ import annotations

import hashlib
import re
import time
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select
from werkzeug.datastructures import MultiDict

from kb.platform.extensions import db
from tests.site.conftest import WALKS
from tests.site.harness import Form

# Tables a refused post may still write to: the record of a failed log-in is the point of throttling.
BOOKKEEPING = {"login_attempts", "signed_in_sessions", "alembic_version"}
EXAMPLES_PER_FORM = 12
ODD_TEXT = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(min_codepoint=0x10000, max_codepoint=0x1FFFF), min_size=1, max_size=8),
    st.sampled_from(
        [
            "\x00",
            "a\x00b",
            "x" * 100_000,
            "9" * 30,
            "-1",
            "²",
            "<script>alert(1)</script>",
            " ",
            "2026-02-30",
            "https://example.org/" + "a" * 2000,
        ]
    ),
)
MESSAGE_MARKERS = ("error-summary", "error-message", "banner--error", 'class="caption">Error 4')


class FormReader(HTMLParser):
    """The POST forms of a page: action and fields (name, type, value, options)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._form = {"action": attrs.get("action") or "", "fields": []}
            self.forms.append(self._form)
        elif self._form is None or "name" not in attrs and tag != "option":
            return
        elif tag == "input" and attrs.get("type") not in ("submit", "button"):
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                self._form["fields"].append({"name": attrs["name"], "value": None, "choice": attrs.get("value", "on")})
            else:
                self._form["fields"].append({"name": attrs["name"], "value": attrs.get("value", "")})
        elif tag == "textarea":
            self._textarea = {"name": attrs["name"], "value": ""}
            self._form["fields"].append(self._textarea)
        elif tag == "select":
            self._select = {"name": attrs["name"], "value": None, "options": []}
            self._form["fields"].append(self._select)
        elif tag == "option" and self._select is not None:
            self._select["options"].append(attrs.get("value", ""))
            if "selected" in attrs or self._select["value"] is None:
                self._select["value"] = attrs.get("value", "")

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea["value"] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None


def the_form(html: str, form: Form) -> dict:
    reader = FormReader()
    reader.feed(html)
    path = urlsplit(form.page).path
    wanted = [
        found
        for found in reader.forms
        if urlsplit(found["action"]).path == (form.action or path) or (not form.action and found["action"] == "")
    ]
    assert wanted, f"no form posting to {form.action or path} on {form.page}"
    return wanted[0]


def valid_values(fields: list[dict]) -> list[tuple[str, str]]:
    values = []
    for field in fields:
        if field.get("value") is not None:
            values.append((field["name"], field["value"]))
    return values


@st.composite
def odd_posts(draw, fields: list[dict]):
    """The form's own values, with some fields changed to odd text, left out or sent twice."""
    pairs = []
    for field in fields:
        if field["name"].endswith("csrf_token"):
            pairs.append((field["name"], field["value"]))
            continue
        start = field["value"] if field.get("value") is not None else field.get("choice")
        what = draw(st.sampled_from(["keep", "keep", "odd", "missing", "twice", "choice"]))
        if what == "keep" and start is not None:
            pairs.append((field["name"], start))
        elif what == "odd":
            pairs.append((field["name"], draw(ODD_TEXT)))
        elif what == "twice":
            pairs += [(field["name"], start or ""), (field["name"], draw(ODD_TEXT))]
        elif what == "choice" and field.get("options"):
            pairs.append((field["name"], draw(st.sampled_from(field["options"]))))
    return pairs


def row_counts() -> dict[str, int]:
    db.session.rollback()
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
        if table.name not in BOOKKEEPING
    }


def stored_rows() -> dict[str, str]:
    """A digest of every row of every table: a change to any value (a thread locked, a post
    approved), not only a row added or removed, changes it."""
    db.session.rollback()
    digests = {}
    for table in db.metadata.sorted_tables:
        if table.name not in BOOKKEEPING:
            rows = db.session.execute(select(table).order_by(*(table.primary_key.columns or table.columns))).all()
            digests[table.name] = hashlib.sha256(repr(rows).encode()).hexdigest()
    return digests


def check_answer(form: Form, response, before: dict) -> None:
    status, page = response.status_code, response.get_data(as_text=True)
    assert status < 500, (form, status)
    if 400 <= status < 500:
        assert any(marker in page for marker in MESSAGE_MARKERS) or '"error"' in page, (form, status, page[:300])
        assert row_counts() == before, (form, status, "a refused post stored something")
    if response.mimetype == "text/html":
        assert "<script>alert(1)" not in page, form


def post_odd_input(form: Form, client, action: str, fields: list[dict]) -> int:
    """Post generated odd input to one form; returns how many posts were made."""
    sent = []

    @settings(
        max_examples=EXAMPLES_PER_FORM,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(pairs=odd_posts(fields))
    def post(pairs):
        before = row_counts()
        sent.append(action)
        check_answer(form, client.post(action, data=MultiDict(pairs)), before)

    post()
    return len(sent)


def test_every_form_refuses_a_missing_token_and_survives_odd_input(whole_site):
    """Every registered form: first without its CSRF token (refused, nothing stored), then a dozen
    generated posts (deterministic: the same inputs every run)."""
    assert len(whole_site.site.forms) >= 25
    started, requests = time.perf_counter(), 0
    for form in whole_site.site.forms:
        client = whole_site.clients[form.role]
        page = client.get(form.page)
        assert page.status_code == 200, (form, page.status_code)
        found = the_form(page.get_data(as_text=True), form)
        action = form.send_to or found["action"] or urlsplit(form.page).path

        before = row_counts()
        tokenless = [pair for pair in valid_values(found["fields"]) if not pair[0].endswith("csrf_token")]
        response = client.post(action, data=MultiDict(tokenless))
        assert response.status_code == 400, (form, response.headers.get("Location"))
        assert re.search(r"security token", response.get_data(as_text=True)), form
        assert row_counts() == before, form

        requests += 2 + post_odd_input(form, client, action, found["fields"])
    WALKS.append(
        (f"{len(whole_site.site.forms)} forms on {whole_site.backend}", requests, time.perf_counter() - started)
    )


@pytest.mark.parametrize("value", ["\x00", "Title with a NUL\x00 inside"])
def test_a_nul_character_in_a_form_never_reaches_the_database(whole_site, value):
    """PostgreSQL refuses NUL in text: the request takes it out before any feature reads the form."""
    form = next(form for form in whole_site.site.forms if form.page == "/board/new")
    client = whole_site.clients[form.role]
    found = the_form(client.get(form.page).get_data(as_text=True), form)
    pairs = [(name, value if name == "title" else old) for name, old in valid_values(found["fields"])]
    response = client.post("/board/new", data=MultiDict([*pairs, ("body", "A body long enough to post.")]))
    assert response.status_code in (200, 302, 422), response.status_code

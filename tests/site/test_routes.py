"""Every GET route, as every role, on a site holding every state at once, with odd input: no 5xx,
the status each role should get, and nothing reaches a visitor who may not see it."""

from __future__ import annotations

import os
import re
import time
import zlib
from collections import Counter
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

import pytest

from tests.html_checker import SavedPages, checker_command
from tests.site.conftest import ARGUMENTS_READ, WALKS
from tests.site.harness import DECLARED, ROLES, declared_role, text_of

# Odd values for every query argument a route reads (the list).
ODD_VALUES = [
    "",
    "\x00",
    "a\x00b",
    "x" * 10_000,
    "²",
    "-1",
    "-999999999",
    "1000000000000000000000",
    "1e400",
    "0",
    "unknown-choice",
    "9999-12-31",
    "0000-00-00",
    "<script>alert('qzxss')</script>\"'",
    " ",
    "%00",
    "🦆" * 3,
]
# Arguments no route expects, some named like url_for's own keywords.
EXTRA_ARGUMENTS = [
    ("_external", "1"),
    ("_anchor", "x"),
    ("_scheme", "javascript"),
    ("_method", "POST"),
    ("endpoint", "themes.home"),
    ("values", "1"),
    ("qzextra", "<b>qz</b>"),
]
# Every odd value is tried as these roles; the others try a deterministic sample.
THOROUGH_ROLES = ("anonymous", "moderator")
SAMPLE_SIZE = 4


def visit(client, url: str):
    ARGUMENTS_READ.clear()
    response = client.get(url)
    return response, set(ARGUMENTS_READ)


def leaks(whole_site, role: str, url: str, response) -> list[str]:
    """The secrets in a response that this role may not see (body and redirect address). A secret
    in the address asked for is no leak: the visitor sent it (a slug, handed back in `next`)."""
    text = (text_of(response) + " " + response.headers.get("Location", "")).lower()
    own_data = urlsplit(url).path in whole_site.site.own_data_pages
    return [
        f"{secret.what} ({secret.word})"
        for secret in whole_site.site.secrets
        if role not in secret.visible_to
        and not (own_data and role in secret.written_by)
        and secret.word in text
        and secret.word not in url
    ]


def repeated_ids(url: str, response) -> list[str]:
    """Ids an HTML page gives to more than one element (two forms' CSRF tokens, say): a label or
    link to the id reaches the first only, and the page is not valid HTML."""
    if response.mimetype != "text/html":
        return []
    ids = Counter(re.findall(r"""\sid=["']?([^"'\s>]+)""", response.get_data(as_text=True)))
    return [f"{url} repeats id={name!r} ({count} times)" for name, count in sorted(ids.items()) if count > 1]


def with_argument(url: str, name: str, value: str) -> str:
    parts = urlsplit(url)
    query = [(key, old) for key, old in parse_qsl(parts.query, keep_blank_values=True) if key != name]
    return f"{parts.path}?{urlencode([*query, (name, value)])}"


def odd_values_for(role: str, url: str, name: str) -> list[str]:
    if role in THOROUGH_ROLES:
        return ODD_VALUES
    start = zlib.crc32(f"{role} {url} {name}".encode())
    return [ODD_VALUES[(start + step) % len(ODD_VALUES)] for step in range(SAMPLE_SIZE)]


def problems_with(whole_site, role: str, url: str, response, refused_before: bool) -> list[str]:
    found = []
    if response.status_code >= 500:
        found.append(f"{url} -> {response.status_code}")
    if refused_before and response.status_code < 300:
        found.append(f"{url} -> {response.status_code}, though the plain page refused {role}")
    found += [f"{url} leaks {leak}" for leak in leaks(whole_site, role, url, response)]
    if response.mimetype == "text/html" and "<script>alert(" in response.get_data(as_text=True):
        found.append(f"{url} echoes markup unescaped")
    return found


@pytest.mark.parametrize("role", ROLES)
def test_every_page_as_every_role_with_odd_input(whole_site, role):
    client = whole_site.clients[role]
    started, requests, problems = time.perf_counter(), 0, []
    walked_endpoints = set()
    for page in whole_site.site.pages:
        response, read = visit(client, page.url)
        requests += 1
        if response.status_code != page.expect[role]:
            problems.append(f"{page.url} -> {response.status_code}, expected {page.expect[role]}")
        problems += problems_with(whole_site, role, page.url, response, refused_before=False)
        problems += repeated_ids(page.url, response)
        endpoint = whole_site.app.url_map.bind("localhost").match(urlsplit(page.url).path)[0]
        if endpoint in walked_endpoints:
            continue  # one address per route gets the odd input
        walked_endpoints.add(endpoint)
        refused = response.status_code >= 300
        odd_urls = [
            with_argument(page.url, name, value)
            for name in sorted(read)
            for value in odd_values_for(role, page.url, name)
        ]
        odd_urls.append(page.url + ("&" if "?" in page.url else "?") + urlencode(EXTRA_ARGUMENTS))
        odd_urls += [
            page.url + ("&" if "?" in page.url else "?") + urlencode([(name, "1"), (name, "2")])
            for name in sorted(read)
        ]
        for url in odd_urls:
            response, _ = visit(client, url)
            requests += 1
            problems += problems_with(whole_site, role, url, response, refused)
    seconds = time.perf_counter() - started
    WALKS.append((f"GET walk as {role} on {whole_site.backend}", requests, seconds))
    report = os.environ.get("KB_HARNESS_REPORT")
    if report:
        with open(report, "a") as handle:
            handle.writelines(f"{role}\t{problem}\n" for problem in problems)
    assert not problems, "\n".join(problems[:60])


def test_each_page_expects_what_its_route_declares(whole_site):
    """Where a page's expectations are written out, they agree with its route's declaration for
    every role the declaration decides: a visitor is asked to log in, a role refused gets 403."""
    disagreeing = []
    for page in whole_site.site.pages:
        declared = DECLARED[declared_role(whole_site.app, page.url)]
        decided = [role for role, status in declared.items() if status != 200]
        for role in decided:
            if page.expect[role] != declared[role]:
                disagreeing.append(
                    f"{page.url}: {role} expects {page.expect[role]}, the route declares {declared[role]}"
                )
    assert disagreeing == []


def test_every_get_route_is_walked(whole_site):
    """A route no feature registered a page for fails here: register it in tests/site/states/."""
    adapter = whole_site.app.url_map.bind("localhost")
    walked = {adapter.match(urlsplit(page.url).path)[0] for page in whole_site.site.pages}
    routes = {
        rule.endpoint
        for rule in whole_site.app.url_map.iter_rules()
        if "GET" in rule.methods and rule.endpoint != "static"
    }
    assert routes - walked == set()


def test_every_secret_is_seen_by_someone_who_may(whole_site):
    """A secret nobody ever receives proves nothing about leaks: each is shown to a role allowed it."""
    seen = set()
    for page in whole_site.site.pages:
        for role in ROLES:
            if page.expect[role] != 200:
                continue
            text = text_of(whole_site.clients[role].get(page.url)).lower()
            seen |= {
                secret.word for secret in whole_site.site.secrets if role in secret.visible_to and secret.word in text
            }
    # A word nobody may see (a deleted account's name) is checked by the walk alone: never received.
    assert {secret.what for secret in whole_site.site.secrets if secret.visible_to and secret.word not in seen} == set()


# An id no state ever reaches; ids in an address become it to ask for something that is not there.
UNKNOWN_ID = "987654"
ID_IN_PATH = re.compile(r"(?<=/)\d+(-[\w-]*)?(?=/|\.|$)")


def unknown_twin(url: str) -> str | None:
    """The same address with every id in its path swapped for one that names nothing."""
    parts = urlsplit(url)
    path = ID_IN_PATH.sub(UNKNOWN_ID, parts.path)
    return None if path == parts.path else path + (f"?{parts.query}" if parts.query else "")


def answer_of(response) -> tuple:
    """What a visitor can tell from a response without reading it: status, type, where it sends them."""
    location = ID_IN_PATH.sub("N", unquote(response.headers.get("Location", "")))
    return response.status_code, response.mimetype, location


def hidden_pairs(whole_site) -> list[tuple[str, str, str]]:
    """(role, hidden address, unknown address): every pair a feature registered, and every page with an
    id that a role is refused as missing (404) or sent to sign in first (a 302 to the sign-in page)."""
    pairs = [(role, url, unknown) for url, unknown, roles in whole_site.site.hidden_pairs for role in sorted(roles)]
    for page in whole_site.site.pages:
        twin = unknown_twin(page.url)
        if twin is None:
            continue
        pairs += [
            (role, page.url, twin)
            for role in ROLES
            if page.expect[role] == 404 or (page.expect[role] == 302 and role == "anonymous")
        ]
    return pairs


def test_hidden_things_answer_as_missing_ones(whole_site):
    """Hidden must look like missing: whoever may not see a draft, a held post, a private partnership or
    a tag only drafts carry gets from it exactly what they get from an address that names nothing."""
    pairs = hidden_pairs(whole_site)
    assert len(pairs) > 50  # the states hold hidden things of every feature
    differences = []
    for role, url, unknown in pairs:
        client = whole_site.clients[role]
        hidden, missing = answer_of(client.get(url)), answer_of(client.get(unknown))
        if hidden != missing:
            differences.append(f"as {role}: {url} -> {hidden}, but {unknown} -> {missing}")
    assert not differences, "\n".join(differences[:60])


def test_every_page_is_valid_html(whole_site, tmp_path):
    """Every HTML page, as every role, through the W3C Nu checker in one batch (Java starts once)."""
    command = checker_command()
    if command is None:
        pytest.skip("Java or the Nu HTML checker is not installed")
    saved = SavedPages(tmp_path)
    for page in whole_site.site.pages:
        for role in ROLES:
            response = whole_site.clients[role].get(page.url)
            if response.status_code == 200 and response.mimetype == "text/html":
                saved.save(f"{page.url} as {role}", response.get_data(as_text=True))
    assert len(saved.addresses) > 100  # the walk found the pages
    errors = saved.errors(command)
    assert not errors, "\n".join(errors[:80])

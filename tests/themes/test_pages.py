"""The leaflet's five themes as pages a practitioner can read."""

import re
from datetime import datetime

import pytest

from kb.platform import clock

THEMES = {
    "improving-understanding": ("Improving understanding", 5),
    "joining-up-policy": ("Joining-up policy", 5),
    "organising-ourselves": ("Organising ourselves", 4),
    "sharing-good-practice": ("Sharing good practice", 4),
    "funding-it-better": ("Funding it better", 7),
}


def test_home_page_shows_the_five_themes_as_cards_and_a_fact(client, seeded):
    page = client.get("/").get_data(as_text=True)
    for slug, (title, _) in THEMES.items():
        assert f'<a href="/themes/{slug}">{title}</a>' in page
    assert "Did you know?" in page
    assert "Join Common Ground" in page


def test_the_fact_changes_from_day_to_day(client, seeded):
    clock.freeze(datetime(2026, 11, 25, 9, 0))
    monday = re.search(r'<p class="fact__text">(.*?)</p>', client.get("/").get_data(as_text=True)).group(1)
    clock.freeze(datetime(2026, 11, 25, 18, 0))
    same_day = re.search(r'<p class="fact__text">(.*?)</p>', client.get("/").get_data(as_text=True)).group(1)
    clock.freeze(datetime(2026, 11, 26, 9, 0))
    next_day = re.search(r'<p class="fact__text">(.*?)</p>', client.get("/").get_data(as_text=True)).group(1)
    assert monday == same_day
    assert monday != next_day


@pytest.mark.parametrize("slug", THEMES)
def test_theme_page_pairs_each_do_with_its_dont(client, seeded, slug):
    title, pairs = THEMES[slug]
    response = client.get(f"/themes/{slug}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"<h1>{title}</h1>" in page
    assert "What is the aim?" in page
    rows = re.findall(r'<td class="do".*?</td>\s*<td class="dont".*?</td>', page, flags=re.S)
    assert len(rows) == pairs


def test_theme_page_keeps_the_leaflets_pairs_together(client, seeded):
    page = client.get("/themes/improving-understanding").get_data(as_text=True)
    first_row = re.search(r"<tr[^>]*>\s*<td class=\"do\".*?</tr>", page, flags=re.S).group(0)
    assert "Attempt to map and understand the local third sector" in first_row
    assert "scattergun" in first_row


def test_theme_page_shows_actions_with_owners_and_resources_with_links(client, seeded):
    page = client.get("/themes/funding-it-better").get_data(as_text=True)
    assert "Explore the development of a standard toolkit" in page
    assert '<span class="label-inline">Who:</span> IDeA' in page
    assert 'href="http://www.thecompact.org.uk/PDFs/funding.pdf"' in page
    assert 'rel="prev"' in page and 'rel="next"' not in page


def test_unknown_theme_is_404(client, seeded):
    assert client.get("/themes/no-such-theme").status_code == 404


def test_themes_index_lists_all_five_in_leaflet_order(client, seeded):
    page = client.get("/themes").get_data(as_text=True)
    positions = [page.index(title) for title, _ in THEMES.values()]
    assert positions == sorted(positions)


def test_about_page_tells_the_leaflets_story(client, seeded):
    page = client.get("/about").get_data(as_text=True)
    assert "Local Partnerships Taskforce" in page
    assert "Kirklees Primary Care Trust" in page
    assert "<em>futurebuilders</em>" in page  # the foreword's Markdown is rendered
    assert "153,000 general charities" in page


def test_pages_say_what_to_do_before_the_content_is_loaded(client):
    for url in ("/", "/themes"):
        response = client.get(url)
        assert response.status_code == 200
        assert "flask kb seed" in response.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/", "/themes", "/themes/joining-up-policy", "/about", "/login", "/register"])
def test_every_page_has_one_h1_a_skip_link_and_british_english(client, seeded, url):
    page = client.get(url).get_data(as_text=True)
    assert page.count("<h1") == 1
    assert '<html lang="en-GB">' in page
    assert '<a class="skip-link" href="#main">' in page
    levels = [int(level) for level in re.findall(r"<h([1-6])", page)]
    assert all(later - earlier <= 1 for earlier, later in zip(levels, levels[1:], strict=False)), levels

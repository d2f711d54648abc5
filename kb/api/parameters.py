"""Reading the API's query parameters. The site's pages forgive an odd value (an unknown theme
filters nothing); the API refuses it with a 400 naming the parameter, so a script learns of its
mistake instead of quietly receiving everything. An empty value counts as not sent."""

from __future__ import annotations

from flask import request

from kb.api.answers import InvalidParameters
from kb.api.service import OUTCOMES, SearchQuestion
from kb.common.vocabulary import REGIONS, SECTOR_LABELS
from kb.http import LARGEST_PAGE
from kb.library import tags
from kb.library.models import TAG_MAX
from kb.library.queries import Filters
from kb.search import service as search_service
from kb.themes.models import THEME_SLUGS

QUERY_MAX = 500
SORTS = ("relevance", "newest")


class ParameterReader:
    """Collects every invalid parameter of one request, so one 400 names them all."""

    def __init__(self) -> None:
        self.invalid: dict[str, str] = {}

    def text(self, name: str) -> str | None:
        return request.args.get(name) or None

    def choice(self, name: str, allowed) -> str | None:
        value = self.text(name)
        if value is not None and value not in allowed:
            self.invalid[name] = "must be one of: " + ", ".join(allowed)
            return None
        return value

    def tag(self) -> str | None:
        value = (self.text("tag") or "").strip().lower()
        if len(value) > TAG_MAX:
            self.invalid["tag"] = f"a tag is at most {TAG_MAX} characters"
            return None
        # An old name of a renamed or merged tag finds the tag it became, as the site's old addresses do.
        return (tags.current_name(value) or value) if value else None

    def page(self) -> int:
        value = self.text("page")
        if value is None:
            return 1
        if not value.isdecimal() or len(value) > 7 or not 1 <= int(value) <= LARGEST_PAGE:
            self.invalid["page"] = f"must be a whole number from 1 to {LARGEST_PAGE}"
            return 1
        return int(value)

    def checked(self):
        if self.invalid:
            raise InvalidParameters(self.invalid)


def list_filters(with_outcome: bool) -> tuple[Filters, int]:
    """The filters and page of a case study or lesson list."""
    reader = ParameterReader()
    filters = Filters(
        theme=reader.choice("theme", THEME_SLUGS), region=reader.choice("region", REGIONS),
        sector=reader.choice("sector", [str(sector) for sector in SECTOR_LABELS]), tag=reader.tag(),
        outcome=reader.choice("outcome", OUTCOMES) if with_outcome else None,
    )
    page = reader.page()
    reader.checked()
    return filters, page


def search_question() -> SearchQuestion:
    reader = ParameterReader()
    text = reader.text("q") or ""
    if len(text) > QUERY_MAX:
        reader.invalid["q"] = f"a query is at most {QUERY_MAX} characters"
    year = reader.text("year")
    if year is not None and not (len(year) == 4 and year.isdecimal()):
        reader.invalid["year"] = "must be a year of four digits"
    filters = {"type": reader.choice("type", list(search_service.facet_labels()["type"])),
               "theme": reader.choice("theme", THEME_SLUGS), "region": reader.choice("region", REGIONS),
               "sector": reader.choice("sector", [str(sector) for sector in SECTOR_LABELS]),
               "tag": reader.tag(), "year": year}
    question = SearchQuestion(text=text, filters={name: value for name, value in filters.items() if value},
                              sort=reader.choice("sort", SORTS) or "relevance", page=reader.page())
    reader.checked()
    return question

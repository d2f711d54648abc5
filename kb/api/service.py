"""The API's resources, shaped from the features' public services and queries. Only what an
anonymous visitor may see is ever read here: no function takes the person asking, so a signed-in
moderator gets the same answers as anyone (and the same ETags)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from kb.board import rules as board_rules
from kb.collections import service as collections
from kb.collections.models import Collection, CollectionEntry
from kb.library import queries, rules
from kb.library.kinds import ADDRESS_PREFIXES, ALL_KINDS, BY_PREFIX, CASE_STUDIES, LESSONS, KindPages
from kb.library.models import Kind, LibraryItem, Outcome, Status
from kb.library.queries import Filters
from kb.platform.extensions import db
from kb.platform.vocabulary import REGIONS, SECTOR_LABELS
from kb.search import service as search_service
from kb.themes import service as themes
from kb.themes.models import Theme

PREFIX = "/api/v1"
OUTCOMES = tuple(outcome.value for outcome in Outcome)
SEARCH_PAGE_SIZE = 20
# A result's address on the site, for its address in the API: "/case-studies/12-a-title" -> kind, 12;
# "/themes/funding-it-better#aim" -> the theme.
SITE_ITEM_ADDRESS = re.compile(rf"^/({ADDRESS_PREFIXES})/(\d+)")
SITE_THEME_ADDRESS = re.compile(r"^/themes/([\w-]+)")


class NotFound(Exception):
    """Nothing anonymous visitors may see is there; the message says what was looked for."""


# --- addresses: built here, and only here -------------------------------------------------------


def item_api_path(item: LibraryItem) -> str:
    return PREFIX + item.path(with_slug=False)


def theme_api_path(slug: str) -> str:
    return f"{PREFIX}/themes/{slug}"


def collection_api_path(collection: Collection) -> str:
    return f"{PREFIX}/collections/{collection.id}"


def list_path(pages: KindPages, **arguments) -> str:
    """A list's address with the arguments given; the first page is the list's own address."""
    chosen = {name: value for name, value in arguments.items() if value and (name, value) != ("page", 1)}
    return f"{PREFIX}/{pages.prefix}" + (f"?{urlencode(chosen)}" if chosen else "")


def page_links(path_for_page, number: int, pages: int) -> dict:
    """self, first, last, prev and next (null at the ends), from a function giving a page's address."""
    return {
        "self": path_for_page(number),
        "first": path_for_page(1),
        "last": path_for_page(pages),
        "prev": path_for_page(number - 1) if number > 1 else None,
        "next": path_for_page(number + 1) if number < pages else None,
    }


def api_index(title: str, version: str) -> dict:
    """The API's front door: each resource's list, the document and its page."""
    return {
        "title": title,
        "version": version,
        "resources": {
            "case_studies": list_path(CASE_STUDIES),
            "lessons": list_path(LESSONS),
            "themes": f"{PREFIX}/themes",
            "collections": f"{PREFIX}/collections",
            "tags": f"{PREFIX}/tags",
            "search": f"{PREFIX}/search",
        },
        "openapi": f"{PREFIX}/openapi.json",
        "documentation": f"{PREFIX}/docs",
    }


def moment(value: datetime | None) -> str | None:
    """A stored (naive UTC) time as RFC 3339."""
    return value.replace(microsecond=0).isoformat() + "Z" if value else None


# --- case studies and lessons -------------------------------------------------------------------


def item_link(item: LibraryItem) -> dict:
    return {
        "id": item.id,
        "kind": item.kind,
        "title": item.title,
        "url": item_api_path(item),
        "html_url": item.path(),
    }


def theme_link(theme: Theme) -> dict:
    return {"slug": theme.slug, "title": theme.title, "url": theme_api_path(theme.slug)}


def item_summary(item: LibraryItem) -> dict:
    superseded = item.superseded_by is not None and item.superseded_by.status == Status.PUBLISHED
    return {
        "id": item.id,
        "kind": item.kind,
        "title": item.title,
        "slug": item.slug,
        "summary": item.summary or "",
        "themes": [theme_link(theme) for theme in item.themes],
        "tags": [tag.name for tag in item.tags],
        "region": item.region if item.kind == Kind.CASE_STUDY else None,
        "sectors": list(item.sectors or []) if item.kind == Kind.CASE_STUDY else [],
        "outcome": item.outcome if item.kind == Kind.LESSON else None,
        "credit": item.credit,
        "published_at": moment(item.published_at),
        "verified": item.verified_at is not None,
        "superseded": superseded,
        "url": item_api_path(item),
        "html_url": item.path(),
    }


def _published_link(item: LibraryItem | None) -> dict | None:
    return item_link(item) if item is not None and item.status == Status.PUBLISHED else None


def item_detail(pages: KindPages, item_id: int) -> dict:
    """One case study or lesson anyone may read, with its text and its neighbours."""
    item = queries.get_item(pages.kind, item_id)
    # Asked as an anonymous visitor (None): published items, and archived ones, whose pages stay up.
    if item is None or not rules.can_view(None, item):
        raise NotFound(f"There is no {pages.singular} with the id {item_id}.")
    # The item's own columns hold the approved text: a proposed edit waits in its revisions.
    detail = {
        **item_summary(item),
        "status": item.status,
        "body_html": item.body_html,
        "body_markdown": item.body,
        "locality": item.locality or "",
        "organisations": list(item.organisations or []),
        "year_started": item.year_started,
        "verified_note": item.verified_note if item.verified_at is not None else None,
        "superseded_by": _published_link(item.superseded_by),
    }
    if pages is CASE_STUDIES:
        detail["lessons"] = [item_link(lesson) for lesson in queries.lessons_from(item)]
    else:
        detail["source_case_study"] = _published_link(item.source_case_study)
    return detail


def _options(counts: dict[str, int], labels: dict[str, str]) -> list[dict]:
    return [{"value": value, "label": label, "count": counts.get(value, 0)} for value, label in labels.items()]


def item_list(pages: KindPages, filters: Filters, page_number: int) -> dict:
    """A page of published items of one kind, with the facets the site's list shows."""
    page = queries.browse(pages.kind, filters, page_number)
    if page_number > page.pages:
        raise NotFound(f"There are {page.pages} pages of these {pages.plural}; page {page_number} is past the last.")
    outcomes = list(OUTCOMES) if pages is LESSONS else []
    counts = queries.facet_counts(pages.kind, filters, list(SECTOR_LABELS), outcomes)
    facets = {
        "theme": _options(counts["theme"], {theme.slug: theme.title for theme in themes.list_themes()}),
        "region": _options(counts["region"], {region: region for region in REGIONS}),
        "sector": _options(counts["sector"], {str(value): label for value, label in SECTOR_LABELS.items()}),
        "tag": _options(counts["tag"], {name: name for name in counts["tag"]}),
    }
    if pages is LESSONS:
        facets["outcome"] = _options(counts["outcome"], {outcome: outcome for outcome in OUTCOMES})
    chosen = filters.active()
    return {
        "items": [item_summary(item) for item in page.items],
        "total": page.total,
        "page": page.number,
        "pages": page.pages,
        "page_size": queries.PAGE_SIZE,
        "filters": chosen,
        "facets": facets,
        "links": page_links(lambda number: list_path(pages, **chosen, page=number), page.number, page.pages),
    }


def tag_list() -> dict:
    """Every tag on a published item, with how many published case studies and lessons carry it."""
    counted = {pages.key: queries.facet_counts(pages.kind, Filters(), [], [])["tag"] for pages in ALL_KINDS}
    names = sorted(set(counted[CASE_STUDIES.key]) | set(counted[LESSONS.key]))
    return {
        "tags": [
            {
                "name": name,
                "case_studies": counted[CASE_STUDIES.key].get(name, 0),
                "lessons": counted[LESSONS.key].get(name, 0),
                "links": {"case_studies": list_path(CASE_STUDIES, tag=name), "lessons": list_path(LESSONS, tag=name)},
            }
            for name in names
        ]
    }


# --- themes ------------------------------------------------------------------------------------


def theme_summary(theme: Theme) -> dict:
    return {
        "slug": theme.slug,
        "title": theme.title,
        "position": theme.position,
        "summary": theme.summary,
        "url": theme_api_path(theme.slug),
        "html_url": f"/themes/{theme.slug}",
    }


def theme_list() -> dict:
    return {"themes": [theme_summary(theme) for theme in themes.list_themes()]}


def collection_link(collection: Collection) -> dict:
    return {
        "id": collection.id,
        "title": collection.title,
        "url": collection_api_path(collection),
        "html_url": f"/collections/{collection.id}-{collection.slug}",
    }


def theme_detail(slug: str) -> dict:
    """A theme as its page shows it: aim, checklist, supporting actions, further reading."""
    theme = themes.get_theme(slug)
    if theme is None:
        raise NotFound(f"There is no theme called “{slug}”.")
    return {
        **theme_summary(theme),
        "aim": theme.aim,
        "checklist": [{"do": pair.do_text, "dont": pair.dont_text} for pair in theme.checklist],
        "supporting_actions": [
            {"action": action.action, "owners": list(action.owners or [])} for action in theme.supporting_actions
        ],
        # Retired entries are for moderators, who may bring them back; visitors never see them.
        "resources": [
            {
                "title": resource.title,
                "url": resource.url,
                "publisher": resource.publisher,
                "description": resource.description,
            }
            for resource in theme.resources
            if not resource.retired
        ],
        "collections": [collection_link(collection) for collection in collections.for_theme(theme)],
        "counts": {
            "case_studies": queries.count_for_theme(theme, Kind.CASE_STUDY),
            "lessons": queries.count_for_theme(theme, Kind.LESSON),
        },
        "links": {
            "case_studies": list_path(CASE_STUDIES, theme=theme.slug),
            "lessons": list_path(LESSONS, theme=theme.slug),
        },
    }


# --- collections -------------------------------------------------------------------------------


def collection_summary(collection: Collection) -> dict:
    return {
        **collection_link(collection),
        "slug": collection.slug,
        "introduction": collection.introduction or "",
        "theme": theme_link(collection.theme) if collection.theme else None,
        "entry_count": len(collection.entries),
    }


def collection_list() -> dict:
    return {"collections": [collection_summary(collection) for collection in collections.all_collections()]}


def collection_entry(entry: CollectionEntry) -> dict:
    """An entry as a visitor sees it: a members-only thread or a page gone are there, but unnamed."""
    shown = {
        "position": entry.position,
        "note": entry.note or "",
        "available": False,
        "archived": False,
        "title": None,
        "url": None,
        "html_url": None,
    }
    if entry.item is not None:
        shown["type"] = entry.item.kind
        if rules.can_view(None, entry.item):
            shown.update(
                available=True,
                archived=entry.item.status == Status.ARCHIVED,
                title=entry.item.title,
                url=item_api_path(entry.item),
                html_url=entry.item.path(),
            )
    elif entry.thread is not None:
        shown["type"] = "board thread"
        if board_rules.can_read_board(None) and board_rules.can_see_thread(None, entry.thread):
            shown.update(
                available=True, title=entry.thread.title, html_url=f"/board/t/{entry.thread.id}-{entry.thread.slug}"
            )
    elif entry.external_url:
        shown.update(type="web page", available=True, title=entry.external_title, html_url=entry.external_url)
    else:
        shown["type"] = "removed"
    return shown


def collection_detail(collection_id: int) -> dict:
    collection = db.session.get(Collection, collection_id)
    if collection is None:
        raise NotFound(f"There is no collection with the id {collection_id}.")
    return {**collection_summary(collection), "entries": [collection_entry(entry) for entry in collection.entries]}


# --- search ------------------------------------------------------------------------------------


@dataclass
class SearchQuestion:
    text: str = ""
    filters: dict[str, str] | None = None  # API parameter -> value
    sort: str = "relevance"
    page: int = 1


def _search_path(question: SearchQuestion, number: int) -> str:
    arguments = {"q": question.text, **(question.filters or {}), "sort": question.sort, "page": number}
    chosen = {
        name: value
        for name, value in arguments.items()
        if value and (name, value) not in {("sort", "relevance"), ("page", 1)}
    }
    return f"{PREFIX}/search" + (f"?{urlencode(chosen)}" if chosen else "")


def _api_path_of_result(site_url: str) -> str | None:
    if match := SITE_ITEM_ADDRESS.match(site_url or ""):
        return f"{PREFIX}/{BY_PREFIX[match.group(1)].prefix}/{match.group(2)}"
    if match := SITE_THEME_ADDRESS.match(site_url or ""):
        return theme_api_path(match.group(1))
    return None


def search(question: SearchQuestion) -> dict:
    """Search what anonymous visitors may find, answered as the site's search page answers."""
    parsed = search_service.parse(question.text)
    visibilities = search_service.visibilities_for(None)
    chosen = question.filters or {}
    request = search_service.SearchRequest(
        parsed=parsed,
        visibilities=visibilities,
        sort=question.sort,
        page=question.page,
        page_size=SEARCH_PAGE_SIZE,
        filters={search_service.FILTER_PARAMETERS[name]: value for name, value in chosen.items()},
    )
    answered = search_service.answer(request)
    outcome = answered.outcome
    if question.page > outcome.pages:
        raise NotFound(f"There are {outcome.pages} pages of results; page {question.page} is past the last.")
    labels = search_service.facet_labels()
    return {
        "query": question.text,
        "read_as": parsed.display() if parsed.adjusted else None,
        "notice": answered.notice,
        "suggestion": answered.suggestion,
        "sort": question.sort,
        "filters": dict(chosen),
        "total": outcome.total,
        "page": outcome.page,
        "pages": outcome.pages,
        "results": [
            {
                "type": hit.fields.get("content_type"),
                "title": hit.fields.get("title") or "",
                "summary": hit.fields.get("summary") or "",
                "url": _api_path_of_result(hit.fields.get("url")),
                "html_url": hit.fields.get("url"),
                "themes": [slug for slug in (hit.fields.get("themes") or "").split(",") if slug],
                "region": hit.fields.get("region") or None,
                "verified": bool(hit.fields.get("verified")),
                "published_at": moment(hit.fields.get("published_at")),
            }
            for hit in outcome.hits
        ],
        "facets": {
            name: [
                {"value": value, "label": labels.get(name, {}).get(value, value), "count": count}
                for value, count in outcome.facets[field]
            ]
            for name, field in search_service.FILTER_PARAMETERS.items()
        },
        "links": page_links(lambda number: _search_path(question, number), outcome.page, outcome.pages),
    }

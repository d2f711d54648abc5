"""/search and /search.json; and draining the outbox after responses."""

from __future__ import annotations

import time
from dataclasses import dataclass

from flask import current_app, render_template, request
from flask_login import current_user
from sqlalchemy.exc import SQLAlchemyError

from kb.platform.extensions import db
from kb.platform.http import page_argument, query_arguments
from kb.search import bp, outbox, service
from kb.search.highlight import snippet
from kb.search.query import parse
from kb.search.results import SearchOutcome, SearchRequest

FACET_TITLES = {
    "type": "Type",
    "theme": "Theme",
    "region": "Region",
    "sector": "Sector",
    "tag": "Tag",
    "year": "Year published",
}
SWEEP_EVERY_SECONDS = 10


@dataclass
class SearchPage:
    text: str
    read_as: str | None
    notice: str | None
    suggestion: str | None
    outcome: SearchOutcome
    filters: dict[str, str]
    sort: str
    include_unpublished: bool


def run_search() -> SearchPage:
    text = request.args.get("q", "")
    parsed = parse(text)
    filters = service.chosen_filters(request.args)
    sort = "newest" if request.args.get("sort") == "newest" else "relevance"
    include_unpublished = (
        request.args.get("unpublished") == "1" and current_user.is_authenticated and current_user.is_moderator
    )
    search_request = SearchRequest(
        parsed=parsed,
        visibilities=service.visibilities_for(current_user, include_unpublished),
        filters={service.FILTER_PARAMETERS[name]: value for name, value in filters.items()},
        sort=sort,
        page=page_argument(),
    )
    answered = service.answer(search_request)
    return SearchPage(
        text=text,
        read_as=parsed.display() if parsed.adjusted else None,
        notice=answered.notice,
        suggestion=answered.suggestion,
        outcome=answered.outcome,
        filters=filters,
        sort=sort,
        include_unpublished=include_unpublished,
    )


def result_snippet(fields: dict, stems: set[str]):
    if "headline" in fields:
        return fields["headline"]  # made by the database (ts_headline), for the page shown
    source = fields.get("summary") or ""
    text = source if any(stem in source.lower() for stem in stems) or not fields.get("body") else fields["body"]
    return snippet(text, stems)


@bp.route("/search")
def search_page():
    page = run_search()
    # Links keep what the search asked for, and nothing else that came in the query string.
    links = query_arguments("q", *service.FILTER_PARAMETERS, "sort", "unpublished")
    return render_template(
        "search/results.html",
        page=page,
        labels=service.facet_labels(),
        titles=FACET_TITLES,
        parameters=service.FILTER_PARAMETERS,
        snippet_for=result_snippet,
        links=links,
    )


@bp.route("/search.json")
def search_json():
    page = run_search()
    labels = service.facet_labels()
    outcome = page.outcome
    return {
        "query": page.text,
        "read_as": page.read_as,
        "notice": page.notice,
        "suggestion": page.suggestion,
        "sort": page.sort,
        "filters": page.filters,
        "total": outcome.total,
        "page": outcome.page,
        "pages": outcome.pages,
        "results": [
            {
                "type": hit.fields.get("content_type"),
                "title": hit.fields.get("title"),
                "url": hit.fields.get("url"),
                "snippet": str(result_snippet(hit.fields, outcome.matched_terms)),
                "themes": [theme for theme in (hit.fields.get("themes") or "").split(",") if theme],
                "region": hit.fields.get("region") or None,
                "status": hit.fields.get("status"),
                "verified": bool(hit.fields.get("verified")),
                "published_at": hit.fields["published_at"].isoformat() if hit.fields.get("published_at") else None,
                "score": hit.score,
            }
            for hit in outcome.hits
        ],
        "facets": {
            name: [
                {"value": value, "label": labels.get(name, {}).get(value, value), "count": count}
                for value, count in outcome.facets[field]
            ]
            for name, field in service.FILTER_PARAMETERS.items()
        },
    }


@bp.after_app_request
def drain_after_response(response):
    """After a commit that changed indexed data, drain once the response has gone to the browser;
    every few seconds, also pick up rows a crashed or busy process left behind."""
    app = current_app._get_current_object()
    due = outbox.take_drain_request(db.session)
    state = app.extensions.setdefault("kb_search_sweep", {"last": 0.0})
    if not due and time.monotonic() - state["last"] > SWEEP_EVERY_SECONDS:
        state["last"] = time.monotonic()
        try:
            due = outbox.backlog()["rows"] > 0
        except SQLAlchemyError:
            db.session.rollback()  # the database is having trouble; the page already says so
            due = False
    if due:

        def drain_in_context():
            with app.app_context():
                service.drain_quietly()

        response.call_on_close(drain_in_context)
    return response

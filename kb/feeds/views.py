"""The feeds' addresses, and the links pages give to them. Every feed answers a conditional GET:
a reader that already has this version gets 304 Not Modified and no body."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC

from flask import Response, abort, redirect, request, url_for

from kb.feeds import atom, bp, service
from kb.feeds.service import Feed
from kb.platform import site_address
from kb.search.service import chosen_filters


@dataclass(frozen=True)
class FeedLink:
    url: str
    title: str


@bp.app_template_global()
def feed_link(what: str, name: str = "", /, **arguments) -> FeedLink:
    """A page's link to its feed: `feed_link('theme', theme.title, slug=theme.slug)` (the name is for
    the title; the arguments build the address). Empty arguments are left out, so a search with no
    words links to the feed of every result."""
    chosen = {key: value for key, value in arguments.items() if value not in (None, "")}
    return FeedLink(url_for(f"feeds.{what}", **chosen), service.feed_title(what, name))


def atom_response(feed: Feed | None, page_url: str, **query) -> Response:
    if feed is None:
        abort(404)
    self_url = url_for(request.endpoint, **(request.view_args or {}), **query, _external=True)
    body = atom.render(feed, self_url=self_url, page_url=page_url, site_root=site_address.site_root())
    response = Response(body, content_type=atom.CONTENT_TYPE)
    response.last_modified = feed.updated.replace(tzinfo=UTC)
    response.add_etag()
    return response.make_conditional(request)


@bp.route("/feeds/latest.atom")
def latest():
    return atom_response(service.latest_feed(), url_for("themes.home", _external=True))


@bp.route("/feeds/themes/<slug>.atom")
def theme(slug: str):
    return atom_response(service.theme_feed(slug), url_for("themes.show", slug=slug, _external=True))


@bp.route("/feeds/tags/<path:name>.atom")
def tag(name: str):
    renamed = service.renamed_tag(name)
    if renamed:
        return redirect(url_for("feeds.tag", name=renamed), code=301)
    name = service.tag_name(name)
    return atom_response(service.tag_feed(name), url_for("library.index_case_study", tag=name, _external=True))


@bp.route("/feeds/collections/<id:collection_id>.atom")
def collection(collection_id: int):
    return atom_response(
        service.collection_feed(collection_id), url_for("collections.show", collection_id=collection_id, _external=True)
    )


@bp.route("/feeds/board/<slug>.atom")
def board_category(slug: str):
    return atom_response(service.board_category_feed(slug), url_for("board.category", slug=slug, _external=True))


@bp.route("/feeds/search.atom")
def search():
    text = request.args.get("q", "")
    filters = chosen_filters(request.args)
    query = {"q": text, **filters} if text else filters
    return atom_response(
        service.search_feed(text, filters), url_for("search.search_page", **query, _external=True), **query
    )

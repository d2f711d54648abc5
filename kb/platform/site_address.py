"""The site's own address: every absolute link is built on KB_SITE_URL, never on a request's Host
header, which anyone can write (a feed id, a sitemap entry or an invitation link pointing at another
host would hand readers, crawlers and invitees to whoever wrote it).

With KB_SITE_URL set, a request naming another host is refused (400), except /healthz, which load
balancers ask by the server's own address. Left unset (development), any host is served and links
use the default address.
"""

from __future__ import annotations

from typing import Any, Protocol
from urllib.parse import quote, urlencode, urlsplit

import flask
from flask import Response, current_app, request

# Load balancers and monitors ask for these by the server's address, not the site's name.
ANY_HOST_PATHS = frozenset({"/healthz"})


def site_root() -> str:
    """The site's address with a trailing slash: "https://commonground.example.org/"."""
    return current_app.config["KB_SITE_URL"] + "/"


def absolute(path: str) -> str:
    """A path on this site ("/case-studies/1-x") as an absolute link."""
    return current_app.config["KB_SITE_URL"] + path


def external_url(endpoint: str, _anchor: str | None = None, _method: str | None = None, **values: Any) -> str:
    """url_for(..., _external=True), on the configured address, in a request or outside one (mail)."""
    values = {name: value for name, value in values.items() if value is not None}
    current_app.inject_url_defaults(endpoint, values)
    path = current_app.url_map.bind("localhost").build(endpoint, values, method=_method)
    return absolute(path) + (f"#{_anchor}" if _anchor else "")


class HasAddress(Protocol):
    def path(self) -> str: ...


def address_of(thing: HasAddress, *, _external: bool = False, _anchor: str | None = None, **query: Any) -> str:
    """The link to something that knows its address (`thing.path()`: an item, a thread, a post),
    with a query string and an anchor if given: the one way pages link to them. An f-string, not
    url_for: lists link every row, and the model's path is the route's own shape (tests compare)."""
    path = thing.path()
    link = absolute(path) if _external else f"{request.script_root}{path}"
    arguments = {name: value for name, value in query.items() if value is not None}
    if arguments:
        link += "?" + urlencode(arguments, doseq=True)
    return link + (f"#{quote(_anchor)}" if _anchor else "")


class SiteFlask(flask.Flask):
    """Flask whose external links (url_for's `_external=True`, in code and templates) are built on
    KB_SITE_URL."""

    def url_for(
        self,
        endpoint: str,
        *,
        _anchor: str | None = None,
        _method: str | None = None,
        _scheme: str | None = None,
        _external: bool | None = None,
        **values: Any,
    ) -> str:
        if _external:
            return external_url(endpoint, _anchor=_anchor, _method=_method, **values)
        return super().url_for(
            endpoint, _anchor=_anchor, _method=_method, _scheme=_scheme, _external=_external, **values
        )


def _site_host(app: flask.Flask) -> str:
    return urlsplit(app.config["KB_SITE_URL"]).netloc.lower()


def register(app: flask.Flask) -> None:
    app.add_template_global(address_of, "address_of")

    @app.before_request
    def refuse_other_hosts() -> Response | None:
        if not app.config.get("KB_SITE_URL_SET") or request.path in ANY_HOST_PATHS:
            return None
        if request.host.lower() != _site_host(app):
            return Response("This server answers for another address.\n", status=400, mimetype="text/plain")
        return None

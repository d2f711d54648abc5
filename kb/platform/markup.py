"""Markdown to sanitised HTML, in one place: every piece of user or seed Markdown goes through here."""

from __future__ import annotations

import html
import re
from typing import Any

import nh3
from markdown_it import MarkdownIt
from markupsafe import Markup

# Raw HTML in the source is escaped by markdown-it, and nh3 then removes anything that is not on
# this list, so a payload has to get past both.
# What the library's issue allows: headings, lists, emphasis, links, tables, block quotes, code.
ALLOWED_TAGS = {
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "p",
    "br",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "a",
    "blockquote",
    "code",
    "pre",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "th": {"style"}, "td": {"style"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")


def _demote_top_headings(tokens: list[Any]) -> None:
    # The page's own title is the only h1, so a "# Heading" in user text becomes an h2.
    for token in tokens:
        if token.type in ("heading_open", "heading_close") and token.tag == "h1":
            token.tag = "h2"


def render_markdown(source: str) -> str:
    """Sanitised HTML for a Markdown source; links get rel="nofollow ugc"; no h1."""
    tokens = _markdown.parse(source or "")
    _demote_top_headings(tokens)
    html = _markdown.renderer.render(tokens, _markdown.options, {})
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="nofollow ugc",
        filter_style_properties={"text-align"},
    )


def markdown_filter(source: str) -> Markup:
    return Markup(render_markdown(source))  # noqa: S704 (sanitised above)


def plain_text(rendered_html: str) -> str:
    """The words of sanitised HTML without its tags, for snippets, cards and the search index."""
    return html.unescape(nh3.clean(rendered_html or "", tags=set())).strip()


_HEADING_TAG = re.compile(r"<(/?)h([1-6])>")


def headings_one_level_down(rendered_html: str) -> Markup:
    """Already sanitised HTML with every heading a level lower (h2 -> h3; h6 stays h6), for a page
    that shows the text under a heading of its own (a meeting pack gives each item an h2)."""
    return Markup(_HEADING_TAG.sub(lambda tag: f"<{tag[1]}h{min(int(tag[2]) + 1, 6)}>", rendered_html))

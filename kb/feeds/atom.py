"""A Feed as an Atom 1.0 document (RFC 4287).

Built with xml.etree, so every text and attribute is escaped by the serialiser; characters that XML
cannot carry at all, even escaped (most control characters), are dropped first, as one of them in a
title would make the whole feed unreadable.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime

from kb.feeds.service import SITE_NAME, Entry, Feed

ATOM = "http://www.w3.org/2005/Atom"
XML = "http://www.w3.org/XML/1998/namespace"
CONTENT_TYPE = "application/atom+xml; charset=utf-8"
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_text(value) -> str:
    return NOT_XML.sub("", str(value))


def timestamp(moment: datetime) -> str:
    """RFC 3339 in UTC, as Atom wants it: every time the site stores is UTC without a zone."""
    return moment.replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def _add(parent: ET.Element, name: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, name, {key: xml_text(value) for key, value in attributes.items()})
    if text is not None:
        element.text = xml_text(text)
    return element


def render(feed: Feed, self_url: str, page_url: str, site_root: str) -> bytes:
    """The feed as UTF-8 XML. self_url: the feed's own address (also its id); page_url: the page it
    follows; site_root: the site's address, to which the entries' paths belong."""

    def absolute(address: str) -> str:
        return site_root.rstrip("/") + address if address.startswith("/") else address

    # xml:base lets readers resolve the relative links in the entries' HTML (a board quote's "/board/p/5").
    # Atom's names are written plainly under a default namespace declared on the root, because Atom's
    # attributes (rel, href) have no namespace, which ElementTree's default_namespace cannot express.
    root = ET.Element("feed", {"xmlns": ATOM, f"{{{XML}}}lang": "en-GB", f"{{{XML}}}base": xml_text(site_root)})
    _add(root, "id", self_url)
    _add(root, "title", feed.title)
    _add(root, "updated", timestamp(feed.updated))
    _add(root, "link", rel="self", type="application/atom+xml", href=self_url)
    _add(root, "link", rel="alternate", type="text/html", href=page_url)
    _add(_add(root, "author"), "name", SITE_NAME)
    _add(root, "generator", SITE_NAME)
    for entry in feed.entries:
        _add_entry(root, entry, absolute)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _add_entry(root: ET.Element, entry: Entry, absolute) -> None:
    element = _add(root, "entry")
    _add(element, "id", absolute(entry.id))
    _add(element, "title", entry.title)
    _add(element, "updated", timestamp(entry.updated))
    if entry.published is not None:
        _add(element, "published", timestamp(entry.published))
    if entry.author:
        _add(_add(element, "author"), "name", entry.author)
    link = absolute(entry.link)
    if link != entry.link:
        _add(element, "link", rel="alternate", type="text/html", href=link)
    else:
        _add(element, "link", rel="alternate", href=link)  # elsewhere on the web: its type is its own
    for category in entry.categories:
        _add(element, "category", term=category.term, label=category.label)
    if entry.summary:
        _add(element, "summary", entry.summary, type="text")
    if entry.content_html is not None:
        _add(element, "content", entry.content_html, type="html")

"""Snippets with the query's words marked, made only for the results on the page being shown."""

from __future__ import annotations

import re

from markupsafe import Markup, escape
from whoosh.lang.porter import stem

SNIPPET_WORDS = 36
WORD = re.compile(r"\w+", re.UNICODE)


def _is_match(word: str, stems: set[str], prefixes: set[str]) -> bool:
    # Stemming every word of every body is what made highlighting slow; only words that could
    # stem to a query word (same first letters) are stemmed at all.
    lowered = word.lower()
    return lowered[:3] in prefixes and (lowered in stems or stem(lowered) in stems)


def snippet(text: str, stems: set[str], length: int = SNIPPET_WORDS) -> Markup:
    """The passage of text with the most matching words, each wrapped in <mark>; HTML-escaped."""
    if not text:
        return Markup("")
    words = list(WORD.finditer(text))
    if not words:
        return escape(text[:300])
    prefixes = {value[:3] for value in stems}
    hits = [index for index, match in enumerate(words) if _is_match(match.group(), stems, prefixes)]
    start = 0
    if hits:
        # The window of `length` words holding the most hits.
        best, best_count, right = 0, 0, 0
        for left in range(len(hits)):
            while right < len(hits) and hits[right] - hits[left] < length:
                right += 1
            if right - left > best_count:
                best, best_count = left, right - left
        start = max(0, hits[best] - 4)
    window = words[start : start + length]
    marked = {index for index in hits if start <= index < start + length}
    begin, end = window[0].start(), window[-1].end()
    pieces, cursor = [], begin
    for offset, match in enumerate(window, start=start):
        if offset in marked:
            pieces.append(escape(text[cursor : match.start()]))
            pieces.append(Markup("<mark>") + escape(match.group()) + Markup("</mark>"))
            cursor = match.end()
    pieces.append(escape(text[cursor:end]))
    prefix = "… " if begin > 0 else ""
    suffix = " …" if end < len(text.rstrip()) else ""
    return Markup(prefix) + Markup("").join(pieces) + Markup(suffix)

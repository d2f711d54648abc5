"""Snippets with the query's words marked, made only for the results on the page being shown."""

from __future__ import annotations

from markupsafe import Markup, escape

from kb.search.store import ANALYZER

SNIPPET_WORDS = 36


def snippet(text: str, stems: set[str], length: int = SNIPPET_WORDS) -> Markup:
    """The passage of text with the most matching words, each wrapped in <mark>; HTML-escaped."""
    if not text:
        return Markup("")
    # Whoosh reuses one Token object while analysing, so each must be copied to be kept.
    tokens = [token.copy() for token in ANALYZER(text, chars=True, positions=True)]
    if not tokens:
        return escape(text[:300])
    hits = [index for index, token in enumerate(tokens) if token.text in stems]
    start = 0
    if hits:
        # The window of `length` words holding the most hits.
        best, best_count, right = 0, 0, 0
        for left in range(len(hits)):
            while right < len(hits) and tokens[hits[right]].pos - tokens[hits[left]].pos < length:
                right += 1
            if right - left > best_count:
                best, best_count = left, right - left
        start = max(0, hits[best] - 4)
    window = tokens[start:start + length]
    marked = {index for index in hits if start <= index < start + length}
    begin, end = window[0].startchar, window[-1].endchar
    pieces, cursor = [], begin
    for offset, token in enumerate(window, start=start):
        if offset in marked:
            pieces.append(escape(text[cursor:token.startchar]))
            pieces.append(Markup("<mark>") + escape(text[token.startchar:token.endchar]) + Markup("</mark>"))
            cursor = token.endchar
    pieces.append(escape(text[cursor:end]))
    prefix = "… " if begin > 0 else ""
    suffix = " …" if end < len(text.rstrip()) else ""
    return Markup(prefix) + Markup("").join(pieces) + Markup(suffix)

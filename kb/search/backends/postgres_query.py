"""Searching the PostgreSQL search table (migration 0022).

The query people type is read by kb.search.query as for Whoosh, then turned into a tsquery by
PostgreSQL's own functions: plainto_tsquery for a word (stemmed by the `english` configuration),
phraseto_tsquery for a phrase, to_tsquery('simple', 'word':*) for a prefix, combined with
tsquery_and / tsquery_or / tsquery_not. What the person typed only ever travels as a bound
parameter; the SQL around it is fixed text. The tsquery is worked out first, on its own, so an
empty one (only stop words) answers at once and the searches get it as a constant.
"""

from __future__ import annotations

import re

from markupsafe import Markup, escape
from sqlalchemy import text

from kb.search.query import ParsedQuery, Part
from kb.search.results import Hit, SearchOutcome, SearchRequest

FACET_FIELDS = ("content_type", "themes", "region", "sectors", "tags", "published_year")
MULTI_VALUED = {"themes", "sectors", "tags"}
RANK_CANDIDATES = 500
WORD = re.compile(r"\w+", re.UNICODE)
TAG = re.compile(r"<[^>]*>")
STORED = ("doc_id", "content_type", "title", "summary", "body", "tags", "themes", "region", "sectors",
          "visibility", "status", "outcome", "verified", "featured", "url", "published_year", "published_at",
          "updated_at")
# ts_headline marks matches with these; the text is escaped first, then they become <mark> tags.
# Documents are written without them (postgres_backend.clean), so only ts_headline puts them there.
MARK_START, MARK_END = "\x02", "\x03"
HEADLINE_OPTIONS = f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=36, MinWords=20, ShortWord=3, " \
                   "HighlightAll=false, MaxFragments=0"


class _Bound:
    """Bound parameters for one statement: each value gets a name, and the SQL only ever the name."""

    def __init__(self) -> None:
        self.values: dict[str, object] = {}

    def __call__(self, value) -> str:
        name = f"p{len(self.values)}"
        self.values[name] = value
        return f":{name}"


def _fold(function: str, parts: list[str]) -> str:
    combined = parts[0]
    for part in parts[1:]:
        combined = f"{function}({combined}, {part})"
    return combined


def _part_sql(part: Part, bind: _Bound) -> str:
    if part.kind == "phrase":
        return f"phraseto_tsquery('english', {bind(' '.join(part.words))})"
    if part.kind == "prefix":
        # The parser lets only word characters through (\w+), so no quote or operator can end up
        # inside the quoted lexeme; the value is still a bound parameter.
        return f"to_tsquery('simple', {bind(chr(39) + part.words[0] + chr(39) + ':*')})"
    return f"plainto_tsquery('english', {bind(part.words[0])})"


def tsquery_text(session, parsed: ParsedQuery, any_words: bool) -> tuple[str, list[str]]:
    """The query as tsquery text ('' when nothing in it can match: only stop words, say), and each
    required group's own tsquery text."""
    bind = _Bound()
    groups = [_fold("tsquery_or", [_part_sql(part, bind) for part in group]) for group in parsed.required]
    query = _fold("tsquery_or" if any_words else "tsquery_and", groups)
    if parsed.excluded:
        left_out = _fold("tsquery_or", [_part_sql(part, bind) for part in parsed.excluded])
        query = f"tsquery_and({query}, tsquery_not({left_out}))"
    each = ", ".join(f"CAST({group} AS text)" for group in groups)
    whole, texts = session.execute(text(f"SELECT CAST({query} AS text), ARRAY[{each}]"), bind.values).one()
    return whole or "", [group for group in texts if group]


def _filters(request: SearchRequest, bind: _Bound) -> dict[str, str]:
    """{facet field: SQL condition} for the filters the person chose."""
    conditions = {}
    for name, value in request.filters.items():
        if name in FACET_FIELDS and value:
            conditions[name] = f"{bind(value)} = ANY({name})" if name in MULTI_VALUED else f"{name} = {bind(value)}"
    return conditions


def _where(conditions) -> str:
    return " AND ".join(conditions) if conditions else "TRUE"


def facet_keys(document) -> list[str]:
    """Every facet value of a document as "field=value", so one pass over the matching rows counts them all."""
    keys = []
    for name in FACET_FIELDS:
        if name == "published_year":
            values = [str(document.published_at.year)] if document.published_at else []
        else:
            value = getattr(document, name)
            values = value if name in MULTI_VALUED else [value]
        keys.extend(f"{name}={value}" for value in dict.fromkeys(values) if value)
    return keys


def _facet_counts(session, matching: str, chosen: dict[str, str], bind: _Bound) -> tuple[dict, int, int]:
    """Each facet counted under the other chosen filters (so its options stay useful), with the
    totals before and after the filters: one pass over the matching rows, each row's facet values
    unnested (with '' for the totals)."""
    every = _where(chosen.values())
    counted = "".join(f"WHEN key LIKE '{name}=%' THEN {_where([c for o, c in chosen.items() if o != name])} "
                      for name in chosen)
    counted = f"CASE {counted}ELSE {every} END" if counted else every
    statement = (f"SELECT key, count(*) AS everything, count(*) FILTER (WHERE {counted}) AS counted, "
                 f"count(*) FILTER (WHERE {every}) AS selected FROM search_documents "
                 f"CROSS JOIN unnest(array_append(facets, '')) AS key WHERE {matching} GROUP BY key")
    facets: dict[str, list[tuple[str, int]]] = {name: [] for name in FACET_FIELDS}
    unfiltered = selected = 0
    for key, everything, count, chosen_count in session.execute(text(statement), bind.values):
        if not key:
            unfiltered, selected = everything, chosen_count
            continue
        name, _, value = key.partition("=")
        if count and name in facets:
            facets[name].append((value, count))
    for name in facets:
        facets[name].sort(key=lambda pair: (-pair[1], pair[0]))
    return facets, unfiltered, selected


def _headline(marked: str | None, whole: str) -> Markup:
    """ts_headline's passage, escaped, its marks made <mark>; "…" where the passage cuts the text."""
    if not marked:
        return Markup("")
    html = str(escape(marked)).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    # Compared as words: ts_headline drops HTML tags and changes spacing.
    shown, text_words = WORD.findall(marked), WORD.findall(TAG.sub(" ", whole))
    before = "" if shown[:5] == text_words[:5] else "… "
    after = "" if shown[-5:] == text_words[-5:] else " …"
    return Markup(before + html.strip() + after)


def _fields(row) -> dict:
    fields = {name: row[name] for name in STORED}
    for name in MULTI_VALUED:
        fields[name] = ",".join(fields[name] or [])
    summary_marked, body_marked = row.get("summary_headline"), row.get("body_headline")
    # As the Whoosh results do: the summary's passage when the summary has a match (or there is no body).
    if summary_marked and (MARK_START in summary_marked or not fields["body"]):
        fields["headline"] = _headline(summary_marked, fields["summary"])
    elif body_marked is not None:
        fields["headline"] = _headline(body_marked, fields["body"])
    return fields


def search(session, request: SearchRequest) -> SearchOutcome:
    # The planner does not count the cost of reading each document's tsvector out of line: for a
    # common word it would scan the whole table, testing every one (three times slower than the GIN
    # index, which answers a plain word without reading any). So no table scans while searching.
    session.execute(text("SET LOCAL enable_seqscan = off"))
    try:
        return _search(session, request)
    finally:
        session.execute(text("SET LOCAL enable_seqscan = on"))


def _search(session, request: SearchRequest) -> SearchOutcome:
    parsed = request.parsed
    matched = {word for group in parsed.required for part in group for word in part.words}
    tsquery, groups = ("", []) if parsed.is_empty else tsquery_text(session, parsed, request.any_words)
    if not parsed.is_empty and not tsquery:
        return SearchOutcome(hits=[], total=0, page=1, pages=1, facets={name: [] for name in FACET_FIELDS},
                             matched_terms=matched)
    bind = _Bound()
    matching = [f"visibility = ANY({bind(sorted(request.visibilities))})"]
    if tsquery:
        query = f"CAST({bind(tsquery)} AS tsquery)"
        matching.append(f"searched @@ {query}")
    chosen = _filters(request, bind)
    facets, unfiltered, total = _facet_counts(session, _where(matching), chosen, bind)

    pages = max(1, -(-total // request.page_size))
    page = min(max(1, request.page), pages)
    hits: list[Hit] = []
    if total:
        offset = (page - 1) * request.page_size
        newest = request.sort == "newest" or not tsquery
        where = _where(matching + list(chosen.values()))
        columns = ", ".join(STORED)
        order = "published_at DESC NULLS LAST, doc_id DESC"
        if newest:
            ranked = (f"SELECT {columns}, NULL::real AS score FROM search_documents WHERE {where} "
                      f"ORDER BY {order} LIMIT {bind(request.page_size)} OFFSET {bind(offset)}")
        else:
            # ts_rank_cd scaled to 0..1 (flag 32). PostgreSQL's ranking knows nothing of how rare a
            # word is, so when any word may match, results with more of the words come first (as a
            # sum of scores does in Whoosh), then by rank.
            score = f"ts_rank_cd(searched, {query}, 32)"
            if request.any_words and len(groups) > 1:
                score += "".join(f" + (searched @@ CAST({bind(group)} AS tsquery))::int" for group in groups)
            # Ranking reads each document's whole tsvector, out of line with its body: too slow for
            # the tens of thousands a common word matches. So the best RANK_CANDIDATES by title,
            # summary and tags (searched_head, kept in the row) are ranked in full, and the page is
            # taken from those; a search matching fewer documents than that is ranked exactly.
            candidates = max(RANK_CANDIDATES, offset + request.page_size)
            ranked = (f"SELECT {columns}, {score} AS score FROM (SELECT {columns}, searched FROM search_documents "
                      f"WHERE {where} ORDER BY ts_rank_cd(searched_head, {query}, 32) DESC, {order} "
                      f"LIMIT {bind(candidates)}) AS candidates "
                      f"ORDER BY score DESC, {order} LIMIT {bind(request.page_size)} OFFSET {bind(offset)}")
            order = "score DESC, " + order
        headlines = "NULL AS summary_headline, NULL AS body_headline" if not tsquery else (
            f"ts_headline('english', summary, {query}, {bind(HEADLINE_OPTIONS)}) AS summary_headline, "
            f"ts_headline('english', body, {query}, {bind(HEADLINE_OPTIONS)}) AS body_headline")
        # Highlights only for the page shown: ts_headline runs on the rows the inner query kept.
        statement = f"SELECT shown.*, {headlines} FROM ({ranked}) AS shown ORDER BY {order}"
        for row in session.execute(text(statement), bind.values).mappings():
            hits.append(Hit(fields=_fields(row), score=row["score"]))
    return SearchOutcome(hits=hits, total=total, page=page, pages=pages, facets=facets, matched_terms=matched,
                         unfiltered_total=unfiltered)

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

from kb.platform.pagination import window
from kb.search.query import ParsedQuery, Part
from kb.search.results import Hit, SearchOutcome, SearchRequest

FACET_FIELDS = ("content_type", "themes", "region", "sectors", "tags", "published_year")
MULTI_VALUED = {"themes", "sectors", "tags"}
RANK_CANDIDATES = 500
WORD = re.compile(r"\w+", re.UNICODE)
TAG = re.compile(r"<[^>]*>")
STORED = (
    "doc_id",
    "content_type",
    "title",
    "summary",
    "body",
    "tags",
    "themes",
    "region",
    "sectors",
    "visibility",
    "status",
    "outcome",
    "verified",
    "featured",
    "url",
    "published_year",
    "published_at",
    "updated_at",
)
# ts_headline marks matches with these; the text is escaped first, then they become <mark> tags.
# Documents are written without them (postgres_backend.clean), so only ts_headline puts them there.
MARK_START, MARK_END = "\x02", "\x03"
HEADLINE_OPTIONS = (
    f"StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=36, MinWords=20, ShortWord=3, "
    "HighlightAll=false, MaxFragments=0"
)


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


# The multi-valued facets' values are also kept as one text (sorted, joined by this), which facet
# counts group by: hashing text costs less than hashing an array (migration 0024).
KEY_SEPARATOR = "\x1f"
# GROUPING() over these, in this order, tells which grouping set a row of the facet count is from.
GROUPED = ("content_type", "region", "published_year", "themes", "sectors", "tags")
GROUPED_COLUMNS = tuple(f"{name}_key" if name in MULTI_VALUED else name for name in GROUPED)
ALL_GROUPED = (1 << len(GROUPED)) - 1


def _grouping_mask(name: str) -> int:
    """GROUPING()'s value for the rows grouped by this field alone (its bit 0, every other bit 1)."""
    return ALL_GROUPED & ~(1 << (len(GROUPED) - 1 - GROUPED.index(name)))


def _facet_counts(session, matching: str, chosen: dict[str, str], bind: _Bound) -> tuple[dict, int, int]:
    """Each facet counted under the other chosen filters (so its options stay useful), with the
    totals before and after the filters, in one pass over the matching rows. Grouping sets group
    them by each facet field at once; a multi-valued field is grouped by its key (its sorted values
    as one text), of which there are far fewer distinct ones than rows, and only those groups are
    split. Unnesting every row's values instead took twice as long for a common word."""
    every = _where(chosen.values())
    grouping = f"GROUPING({', '.join(GROUPED_COLUMNS)})"
    field = " ".join(f"WHEN {_grouping_mask(name)} THEN '{name}'" for name in GROUPED)
    values = " ".join(
        f"WHEN {_grouping_mask(name)} THEN "
        + (
            f"string_to_array({name}_key, {bind(KEY_SEPARATOR)})"
            if name in MULTI_VALUED
            else f"ARRAY[CAST({name} AS text)]"
        )
        for name in GROUPED
    )
    counted = " ".join(
        f"WHEN {_grouping_mask(name)} THEN count(*) FILTER (WHERE "
        f"{_where([condition for other, condition in chosen.items() if other != name])})"
        for name in chosen
    )
    counted = (
        f"CASE {grouping} {counted} ELSE count(*) FILTER (WHERE {every}) END"
        if counted
        else f"count(*) FILTER (WHERE {every})"
    )
    statement = (
        f"SELECT field, value, sum(everything) AS everything, sum(counted) AS counted, sum(selected) AS selected "
        f"FROM (SELECT CASE {grouping} {field} ELSE '' END AS field, "
        f"CASE {grouping} {values} ELSE ARRAY[''] END AS facet_values, count(*) AS everything, "
        f"{counted} AS counted, count(*) FILTER (WHERE {every}) AS selected "
        f"FROM search_documents WHERE {matching} "
        f"GROUP BY GROUPING SETS ((), {', '.join(f'({column})' for column in GROUPED_COLUMNS)})) AS grouped "
        f"CROSS JOIN unnest(facet_values) AS value GROUP BY field, value"
    )
    facets: dict[str, list[tuple[str, int]]] = {name: [] for name in FACET_FIELDS}
    unfiltered = selected = 0
    for name, value, everything, count, chosen_count in session.execute(text(statement), bind.values):
        if not name:
            unfiltered, selected = int(everything), int(chosen_count)
        elif value and count:
            facets[name].append((value, int(count)))
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
    # A broad search's grouping wants more than the default working memory, or it spills to disk.
    # Nor JIT compilation: it costs more than these statements take, and a plan the settings below
    # rule out can still be chosen at a huge cost, which would set it off.
    # Each setting is local to the transaction, and put back before the request's next statement.
    work_mem, jit = session.execute(
        text(
            "SELECT current_setting('work_mem'), current_setting('jit'), set_config('enable_seqscan', 'off', true), "
            "set_config('work_mem', '32MB', true), set_config('jit', 'off', true)"
        )
    ).one()[:2]
    # Not put back after an error: the transaction is rolled back, and the settings with it.
    outcome = _search(session, request)
    session.execute(
        text(
            "SELECT set_config('enable_seqscan', 'on', true), set_config('enable_indexscan', 'on', true), "
            "set_config('enable_bitmapscan', 'on', true), set_config('work_mem', :mem, true), "
            "set_config('jit', :jit, true)"
        ),
        {"mem": work_mem, "jit": jit},
    )
    return outcome


def _planner(session, setting: str, value: str) -> None:
    session.execute(text("SELECT set_config(:setting, :value, true)"), {"setting": setting, "value": value})


def _search(session, request: SearchRequest) -> SearchOutcome:
    parsed = request.parsed
    matched = {word for group in parsed.required for part in group for word in part.words}
    tsquery, groups = ("", []) if parsed.is_empty else tsquery_text(session, parsed, request.any_words)
    if not parsed.is_empty and not tsquery:
        return SearchOutcome(
            hits=[], total=0, page=1, pages=1, facets={name: [] for name in FACET_FIELDS}, matched_terms=matched
        )
    bind = _Bound()
    # One visibility is compared as one value: cheaper, for each of tens of thousands of matches.
    visible = (
        f"visibility = {bind(next(iter(request.visibilities)))}"
        if len(request.visibilities) == 1
        else f"visibility = ANY({bind(sorted(request.visibilities))})"
    )
    query = f"CAST({bind(tsquery)} AS tsquery)" if tsquery else ""
    matching = [visible, f"searched @@ {query}"] if tsquery else [visible]
    chosen = _filters(request, bind)
    if not tsquery:
        # Browsing without words reads every document the visitor may see: a scan is the way.
        _planner(session, "enable_seqscan", "on")
    facets, unfiltered, total = _facet_counts(session, _where(matching), chosen, bind)

    shown = window(total, request.page, request.page_size)
    page, pages = shown.number, shown.pages
    hits: list[Hit] = []
    if total:
        offset = (page - 1) * request.page_size
        where = _where(matching + list(chosen.values()))
        if request.sort == "newest" or not tsquery:
            shown = _newest_page(session, where, bool(tsquery), total, offset, request.page_size, bind)
        else:
            needed = max(RANK_CANDIDATES, offset + request.page_size)
            # A search matching no more documents than that is ranked exactly, all of them.
            if total <= needed:
                candidates = where
            else:
                found = _candidates(
                    session, [visible, *chosen.values()], query, bool(request.parsed.excluded), needed, bind
                )
                candidates = f"doc_id = ANY({bind(found)})"
            shown = _ranked_page(request, candidates, query, groups, offset, bind)
        for row in session.execute(text(_page_statement(shown, query, bind)), bind.values).mappings():
            hits.append(Hit(fields=_fields(row), score=row["score"]))
    return SearchOutcome(
        hits=hits,
        total=total,
        page=page,
        pages=pages,
        facets=facets,
        matched_terms=matched,
        unfiltered_total=unfiltered,
    )


NEWEST = "published_at DESC NULLS LAST, doc_id DESC"
SHOWN_FROM_MATCHED = "doc_id, content_type, region, visibility, published_year, published_at"
SHOWN_FROM_TEXTS = "title, summary, body, tags, themes, sectors, status, outcome, verified, featured, url, updated_at"
# A newest-first page walks the dates' index while fewer than this many rows would be read to find
# it (each tested against the query, its tsvector read out of line); past that, the matches are
# gathered through the GIN index and sorted.
NEWEST_WALK_LIMIT = 2000


def _newest_page(session, where: str, searched: bool, total: int, offset: int, size: int, bind: _Bound) -> str:
    if searched:
        documents = (
            session.execute(text("SELECT reltuples FROM pg_class WHERE oid = to_regclass('search_documents')")).scalar()
            or 0
        )
        walked = (offset + size) * max(documents, total) / total
        _planner(
            session, *(("enable_bitmapscan", "off") if walked <= NEWEST_WALK_LIMIT else ("enable_indexscan", "off"))
        )
    return (
        f"SELECT {SHOWN_FROM_MATCHED}, NULL::real AS score FROM search_documents WHERE {where} "
        f"ORDER BY {NEWEST} LIMIT {bind(size)} OFFSET {bind(offset)}"
    )


def _candidates(session, conditions: list[str], query: str, excludes: bool, needed: int, bind: _Bound) -> list[str]:
    """The documents a broad search ranks in full: those with a match in the title, summary or tags
    (searched_head, in the row, with its own GIN index) best first, then the newest of the rest.

    Ranking reads each document's whole tsvector, out of line: too slow for the tens of thousands
    a common word matches, so the page is taken from these. A match in the head is a match in the
    whole (it is the whole's beginning) unless the query leaves words out, which needs the whole."""
    head = f"searched_head @@ {query}"
    where = _where([*conditions, f"searched @@ {query}"])
    in_head = where if excludes else _where(conditions)
    found = list(
        session.execute(
            text(
                f"SELECT doc_id FROM search_documents WHERE {in_head} AND {head} "
                f"ORDER BY ts_rank_cd(searched_head, {query}, 32) DESC, {NEWEST} LIMIT {bind(needed)}"
            ),
            bind.values,
        ).scalars()
    )
    if len(found) < needed:
        _planner(session, "enable_indexscan", "off")  # the matches through the GIN index, then sorted
        found += session.execute(
            text(
                f"SELECT doc_id FROM search_documents WHERE {where} AND NOT ({head}) "
                f"ORDER BY {NEWEST} LIMIT {bind(needed - len(found))}"
            ),
            bind.values,
        ).scalars()
        _planner(session, "enable_indexscan", "on")
    return found


def _ranked_page(
    request: SearchRequest, candidates: str, query: str, groups: list[str], offset: int, bind: _Bound
) -> str:
    # ts_rank_cd scaled to 0..1 (flag 32). PostgreSQL's ranking knows nothing of how rare a word
    # is, so when any word may match, results with more of the words come first (as a sum of
    # scores does in Whoosh), then by rank.
    score = f"ts_rank_cd(searched, {query}, 32)"
    if request.any_words and len(groups) > 1:
        score += "".join(f" + (searched @@ CAST({bind(group)} AS tsquery))::int" for group in groups)
    return (
        f"SELECT {SHOWN_FROM_MATCHED}, {score} AS score FROM search_documents WHERE {candidates} "
        f"ORDER BY score DESC, {NEWEST} LIMIT {bind(request.page_size)} OFFSET {bind(offset)}"
    )


def _page_statement(shown: str, query: str, bind: _Bound) -> str:
    """The page's rows with their texts, and highlights (ts_headline) for those rows only."""
    headlines = (
        "NULL AS summary_headline, NULL AS body_headline"
        if not query
        else (
            f"ts_headline('english', t.summary, {query}, {bind(HEADLINE_OPTIONS)}) AS summary_headline, "
            f"ts_headline('english', t.body, {query}, {bind(HEADLINE_OPTIONS)}) AS body_headline"
        )
    )
    texts = ", ".join(f"t.{name}" for name in SHOWN_FROM_TEXTS.split(", "))
    return (
        f"SELECT shown.*, {texts}, {headlines} FROM ({shown}) AS shown "
        f"JOIN search_document_texts AS t USING (doc_id) ORDER BY shown.score DESC NULLS LAST, "
        f"shown.published_at DESC NULLS LAST, shown.doc_id DESC"
    )

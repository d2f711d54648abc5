"""Search speed: rebuild throughput, index size, query latency per query type, update latency
through the outbox, and the same queries on SQLite FTS5 over the same corpus as a reference.

The corpus is synthetic and deterministic (same seed, same documents): ~300-word bodies drawn from
a Zipf-distributed vocabulary, with the real facet fields. It goes through the application's own
code: a DocumentProvider feeds `search.rebuild`, queries go through the Engine the /search page
uses, updates go through the outbox and `search.drain`, and /search is also timed over HTTP.

    .venv/bin/python bench/search_bench.py                 # 1,000, 10,000 and 50,000 documents
    .venv/bin/python bench/search_bench.py --sizes 1000     # a quick look
    .venv/bin/python bench/search_bench.py --backend postgres --docs 10000,50000

--backend all (the default) runs Whoosh, PostgreSQL full-text (in a fresh schema of the database
KB_BENCH_POSTGRES_URL names, dropped afterwards) and the SQLite FTS5 reference in the same run.
"""

from __future__ import annotations

import argparse
import itertools
import logging
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
import uuid
from datetime import datetime, timedelta
from pathlib import Path

os.environ.setdefault("KB_LOG_LEVEL", "WARNING")
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout, whatever the venv installed

from flask_migrate import upgrade  # noqa: E402
from sqlalchemy import create_engine, insert, text  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402
from werkzeug.serving import make_server  # noqa: E402

from kb import create_app  # noqa: E402
from kb.platform import features  # noqa: E402
from kb.platform.extensions import db  # noqa: E402
from kb.platform.vocabulary import REGIONS  # noqa: E402
from kb.search import service as search  # noqa: E402
from kb.search.backends.whoosh.store import ensure_index  # noqa: E402
from kb.search.documents import PUBLIC, DocumentProvider, SearchDocument  # noqa: E402
from kb.search.outbox import SearchOutbox  # noqa: E402
from kb.search.query import parse  # noqa: E402
from kb.search.results import SearchRequest  # noqa: E402
from kb.search.views import result_snippet  # noqa: E402
from kb.themes.models import THEME_SLUGS  # noqa: E402

SECTORS = ["public body", "voluntary or community organisation", "social enterprise", "other"]
DOMAIN_WORDS = tuple(
    [
        "partnership",
        "partners",
        "council",
        "councils",
        "charity",
        "charities",
        "compact",
        "funding",
        "grant",
        "grants",
        "procurement",
        "trust",
        "health",
        "police",
        "community",
        "voluntary",
        "sector",
        "local",
        "strategic",
        "board",
        "meeting",
        "consultation",
        "training",
        "volunteers",
        "commissioning",
        "contract",
        "outcomes",
        "evidence",
        "review",
        "report",
        "infrastructure",
        "capacity",
        "network",
        "networks",
        "lessons",
        "practice",
        "learning",
        "representation",
    ]
)
FUNCTION_WORDS = [
    "the",
    "of",
    "and",
    "to",
    "a",
    "in",
    "for",
    "is",
    "on",
    "that",
    "by",
    "with",
    "as",
    "are",
    "be",
    "this",
    "from",
    "or",
    "it",
    "at",
    "an",
    "was",
    "we",
    "our",
    "their",
    "they",
    "not",
    "have",
    "has",
    "all",
    "which",
    "will",
    "can",
    "more",
    "but",
    "its",
    "also",
]
QUERIES = {
    "one word": ("q", "partnership"),
    "two words": ("q", "council funding"),
    "phrase": ("q", '"local strategic board"'),
    "prefix": ("q", "partn*"),
    "theme filter": ("q", "charity", {"theme": "funding-it-better"}),
    "newest first": ("q", "grant", {"sort": "newest"}),
    "filter+facets+highlights": ("q", "community health", {"theme": "organising-ourselves", "region": "London"}),
}


class Corpus:
    """Deterministic synthetic documents, as the library would describe them."""

    def __init__(self, size: int, seed: int = 2026) -> None:
        self.size = size
        rng = random.Random(seed)
        syllables = ["ka", "lo", "mi", "ter", "an", "son", "ri", "vel", "do", "nu", "par", "bis", "que", "ra"]
        invented = {"".join(rng.choice(syllables) for _ in range(rng.randint(2, 4))) for _ in range(6000)}
        # Function words are the commonest, as in English; the domain words are spread among the rest.
        rest = sorted(invented)
        rng.shuffle(rest)
        for offset, word in enumerate(DOMAIN_WORDS):
            rest.insert(30 + offset * 40, word)
        self.vocabulary = FUNCTION_WORDS + rest
        # Zipf-like weights: a few words are everywhere, most are rare, as in real text.
        self.cumulative = list(itertools.accumulate(1 / (rank + 1) ** 1.05 for rank in range(len(self.vocabulary))))
        self.seed = seed

    def words(self, rng: random.Random, count: int) -> str:
        return " ".join(rng.choices(self.vocabulary, cum_weights=self.cumulative, k=count))

    def document(self, number: int) -> SearchDocument:
        rng = random.Random(self.seed * 1_000_003 + number)
        body = ". ".join(self.words(rng, rng.randint(10, 20)) for _ in range(rng.randint(15, 25)))
        if number % 50 == 0:
            body += ". The local strategic board agreed the plan."
        published = datetime(2016, 1, 1) + timedelta(days=rng.randint(0, 3650))
        return SearchDocument(
            doc_id=f"bench:{number}",
            content_type="case study" if number % 3 else "lesson",
            title=self.words(rng, rng.randint(4, 9)).capitalize(),
            url=f"/case-studies/{number}-bench",
            visibility=PUBLIC,
            summary=self.words(rng, rng.randint(15, 30)),
            body=body,
            tags=rng.sample(
                [
                    "grants",
                    "compact",
                    "training",
                    "health",
                    "housing",
                    "youth",
                    "data",
                    "rural",
                    "volunteering",
                    "procurement",
                    "mental health",
                    "older people",
                ],
                rng.randint(1, 3),
            ),
            themes=rng.sample(THEME_SLUGS, rng.randint(1, 2)),
            region=rng.choice(REGIONS),
            sectors=rng.sample(SECTORS, rng.randint(1, 2)),
            status="published",
            published_at=published,
            updated_at=published,
        )


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def folder_size(path: Path) -> int:
    return sum(file.stat().st_size for file in path.rglob("*") if file.is_file())


def build_fts5(corpus: Corpus, path: Path) -> tuple[sqlite3.Connection, float]:
    connection = sqlite3.connect(path)
    connection.execute("CREATE VIRTUAL TABLE docs USING fts5(title, summary, body, tokenize='porter')")
    connection.execute("CREATE TABLE facets (rowid INTEGER PRIMARY KEY, themes TEXT, region TEXT, published TEXT)")
    started = time.perf_counter()
    for number in range(corpus.size):
        document = corpus.document(number)
        connection.execute(
            "INSERT INTO docs(rowid, title, summary, body) VALUES (?, ?, ?, ?)",
            (number, document.title, document.summary, document.body),
        )
        connection.execute(
            "INSERT INTO facets VALUES (?, ?, ?, ?)",
            (number, ",".join(document.themes), document.region, document.published_at.isoformat()),
        )
    connection.commit()
    return connection, corpus.size / (time.perf_counter() - started)


FTS_QUERIES = {
    "one word": ("partnership", ""),
    "two words": ("council funding", ""),
    "phrase": ('"local strategic board"', ""),
    "prefix": ("partn*", ""),
    "theme filter": ("charity", "AND f.themes LIKE '%funding-it-better%'"),
    "newest first": ("grant", "ORDER BY f.published DESC"),
    "filter+facets+highlights": ("community health", "AND f.themes LIKE '%organising-ourselves%'"),
}


def time_fts5(connection: sqlite3.Connection, rounds: int) -> dict[str, tuple[float, float]]:
    figures = {}
    for name, (match, extra) in FTS_QUERIES.items():
        order = extra if extra.startswith("ORDER") else "ORDER BY rank"
        where = extra if extra.startswith("AND") else ""
        sql = (
            f"SELECT d.rowid, d.title FROM docs d JOIN facets f ON f.rowid = d.rowid "
            f"WHERE docs MATCH ? {where} {order} LIMIT 20"
        )
        samples = []
        for _ in range(rounds):
            started = time.perf_counter()
            connection.execute(sql, (match,)).fetchall()
            if name == "filter+facets+highlights":
                connection.execute(
                    f"SELECT f.region, count(*) FROM docs d JOIN facets f ON f.rowid = d.rowid "
                    f"WHERE docs MATCH ? {where} GROUP BY f.region",
                    (match,),
                ).fetchall()
            samples.append((time.perf_counter() - started) * 1000)
        figures[name] = percentiles(samples)
    return figures


def _postgres_url(workdir: Path) -> tuple[str, callable]:
    """A fresh schema in KB_BENCH_POSTGRES_URL's database, and how to drop it afterwards."""
    base = os.environ.get("KB_BENCH_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
    schema = f"kb_bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base)
    with admin.begin() as connection:
        connection.execute(text(f'CREATE SCHEMA "{schema}"'))

    def drop() -> None:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()

    url = make_url(base).update_query_dict({"options": f"-csearch_path={schema}"})
    return url.render_as_string(hide_password=False), drop


def measure(backend: str, corpus: Corpus, rounds: int, workdir: Path) -> dict:
    """Rebuild rate, service and /search p50/p95 per query type, and edit-to-visible, for one backend."""
    size = corpus.size
    instance = workdir / f"n{size}-{backend}"
    instance.mkdir()
    drop = None
    if backend == "postgres":
        database_url, drop = _postgres_url(workdir)
    else:
        database_url = f"sqlite:///{instance / 'bench.sqlite3'}"
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": database_url,
            "KB_SEARCH_DIR": str(instance / "search"),
            "KB_SEARCH_BACKEND": backend,
        }
    )
    features.add(
        app,
        features.Feature(
            "bench",
            None,
            search_documents=(
                DocumentProvider(
                    key_prefix="bench",
                    model=type("BenchOnly", (), {}),
                    document=lambda number: corpus.document(number),
                    all_ids=lambda: iter(range(size)),
                    count_by_type=lambda: {"case study": size},
                ),
            ),
        ),
    )
    figures: dict = {"queries": {}}
    with app.app_context():
        upgrade()
        if backend == "whoosh":
            ensure_index(Path(app.config["KB_SEARCH_DIR"]))
        started = time.perf_counter()
        search.rebuild()
        figures["rebuild"] = size / (time.perf_counter() - started)
        server = make_server("127.0.0.1", 0, app, threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        base = f"http://127.0.0.1:{server.server_port}/search?"
        try:
            # The first search of a process opens the index and loads the meaning vectors: timed
            # once here and reported apart, so the percentiles are those of a running site.
            began = time.perf_counter()
            search.search(SearchRequest(parse("partnership"), {PUBLIC}))
            db.session.rollback()
            first_service = (time.perf_counter() - began) * 1000
            began = time.perf_counter()
            with urllib.request.urlopen(base + "q=partnership", timeout=60) as response:
                response.read()
            figures["first"] = (first_service, (time.perf_counter() - began) * 1000)
            for name, spec in QUERIES.items():
                text_, extra = spec[1], (spec[2] if len(spec) > 2 else {})
                filters = {
                    {"theme": "themes", "region": "region"}[key]: value
                    for key, value in extra.items()
                    if key in ("theme", "region")
                }
                request = SearchRequest(
                    parsed=parse(text_), visibilities={PUBLIC}, filters=filters, sort=extra.get("sort", "relevance")
                )
                samples = []
                for _ in range(rounds):
                    began = time.perf_counter()
                    outcome = search.search(request)
                    # The page highlights what it shows: time that too.
                    for hit in outcome.hits:
                        result_snippet(hit.fields, outcome.matched_terms)
                    samples.append((time.perf_counter() - began) * 1000)
                    db.session.rollback()
                url = base + urllib.parse.urlencode({"q": text_, **extra})
                http = []
                for _ in range(max(5, rounds // 2)):
                    began = time.perf_counter()
                    with urllib.request.urlopen(url, timeout=60) as response:
                        response.read()
                    http.append((time.perf_counter() - began) * 1000)
                figures["queries"][name] = (*percentiles(samples), *percentiles(http))

            # An edit: the outbox row commits with the data, then the drain makes it findable.
            visible = []
            for number in range(min(20, size)):
                corpus_title = f"Zzfreshly edited document {number}"
                original = corpus.document
                corpus.document = lambda n, target=number, title=corpus_title, base_doc=original: (
                    _retitled(base_doc(n), title) if n == target else base_doc(n)
                )
                began = time.perf_counter()
                db.session.execute(
                    insert(SearchOutbox.__table__), [{"doc_key": f"bench:{number}", "created_at": datetime.now()}]
                )
                db.session.commit()
                search.drain()
                found = search.search(SearchRequest(parse(f"zzfreshly {number}"), {PUBLIC}))
                visible.append((time.perf_counter() - began) * 1000)
                assert found.total >= 1, "an edit did not become findable"
                corpus.document = original
            figures["edit"] = percentiles(visible)
        finally:
            server.shutdown()
            search.backend().close()
            db.session.remove()
            db.engine.dispose()
            if drop:
                drop()
    return figures


def run_size(size: int, rounds: int, workdir: Path, backends: list[str]) -> None:
    corpus = Corpus(size)
    measured = {backend: measure(backend, corpus, rounds, workdir) for backend in backends if backend != "fts5"}
    fts_figures, fts_rate = {}, None
    if "fts5" in backends:
        fts, fts_rate = build_fts5(corpus, workdir / f"n{size}-fts5.sqlite3")
        fts_figures = time_fts5(fts, rounds)
        fts.close()
    print(f"\n## {size:,} documents\n")
    header = ["query"] + [f"{backend} service p50 / p95 ms | {backend} /search p50 / p95 ms" for backend in measured]
    if fts_figures:
        header.append("SQLite FTS5 p50 / p95 ms")
    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * (1 + 2 * len(measured) + bool(fts_figures)))
    for name in QUERIES:
        cells = [name]
        for figures in measured.values():
            s50, s95, h50, h95 = figures["queries"][name]
            cells += [f"{s50:.1f} / {s95:.1f}", f"{h50:.1f} / {h95:.1f}"]
        if fts_figures:
            cells.append(f"{fts_figures[name][0]:.2f} / {fts_figures[name][1]:.2f}")
        print("| " + " | ".join(cells) + " |")
    for backend, figures in measured.items():
        print(
            f"\n{backend}: rebuild {figures['rebuild']:,.0f} documents/s; edit visible in search through the "
            f"outbox p50 {figures['edit'][0]:.0f} ms, p95 {figures['edit'][1]:.0f} ms; the process's first search "
            f"{figures['first'][0]:.0f} ms in the service, its first /search {figures['first'][1]:.0f} ms"
        )
    if fts_rate:
        print(f"SQLite FTS5 (reference, no facets or highlights): {fts_rate:,.0f} documents/s to index")


def _retitled(document: SearchDocument, title: str) -> SearchDocument:
    document.title = title
    return document


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--sizes", "--docs", dest="sizes", default="1000,10000,50000", help="corpus sizes, comma-separated"
    )
    parser.add_argument(
        "--backend",
        choices=["whoosh", "postgres", "fts5", "all"],
        default="all",
        help="all: Whoosh, PostgreSQL (KB_BENCH_POSTGRES_URL) and the SQLite FTS5 reference",
    )
    parser.add_argument("--rounds", type=int, default=40, help="timed runs of each query")
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    workdir = Path(tempfile.mkdtemp(prefix="kb-search-bench-"))
    os.environ["KB_INSTANCE_DIR"] = str(workdir)
    print(f"# search bench, {os.cpu_count()} cores, python {sys.version.split()[0]}, in {workdir}")
    for size in (int(part) for part in args.sizes.split(",")):
        run_size(
            size, args.rounds, workdir, ["whoosh", "postgres", "fts5"] if args.backend == "all" else [args.backend]
        )


if __name__ == "__main__":
    main()

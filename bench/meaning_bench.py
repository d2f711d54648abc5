"""Finding by meaning at scale: the time to embed one document, to rebuild every vector, to load
them into a process, and p50/p95 of a hybrid query (the words and the meaning fused) at 10,000 and
50,000 documents. Target: a hybrid query's p95 at most 100 ms at 50,000 on 2 cores.

The corpus is search_bench.py's synthetic one (deterministic, ~300-word bodies), fed through the
application's own code: a DocumentProvider, `search.rebuild` for the keyword index, `rebuild_vectors`
(what the index listener runs in each drain and rebuild, timed alone), the in-memory store and the
meaning service. Queries run with the default BLAS threads; see bench/README.md.

    .venv/bin/python bench/meaning_bench.py                  # 10,000 and 50,000 documents
    .venv/bin/python bench/meaning_bench.py --sizes 2000      # a quick look
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("KB_LOG_LEVEL", "WARNING")
# This checkout first, then its bench folder: the figures are of this code, whatever the venv installed.
sys.path[:0] = [str(Path(__file__).resolve().parents[1]), str(Path(__file__).resolve().parent)]

from flask_login import AnonymousUserMixin  # noqa: E402
from flask_migrate import upgrade  # noqa: E402
from search_bench import Corpus, percentiles  # noqa: E402

from kb import create_app  # noqa: E402
from kb.meaning import embedding  # noqa: E402
from kb.meaning import service as meaning  # noqa: E402
from kb.meaning.store import VectorStore, vector_store  # noqa: E402
from kb.meaning.vectors import rebuild_vectors  # noqa: E402
from kb.platform import features  # noqa: E402
from kb.search import service as search  # noqa: E402
from kb.search.backends.whoosh.store import ensure_index  # noqa: E402
from kb.search.documents import DocumentProvider  # noqa: E402

SITUATIONS = [
    "our council keeps giving one-year grants and the charities spend all their time bidding",
    "the health trust never asks the voluntary sector before changing services",
    "small community groups cannot cope with the paperwork for a tiny grant",
    "partnership board meetings go nowhere and nobody follows up",
    "volunteers in rural areas have no training and no support",
    "we want to share what worked with other councils",
]


def timed(action, rounds: int) -> tuple[float, float]:
    samples = []
    for round_number in range(rounds):
        started = time.perf_counter()
        action(round_number)
        samples.append((time.perf_counter() - started) * 1000)
    return percentiles(samples)


def run_size(size: int, rounds: int, workdir: Path) -> None:
    corpus = Corpus(size)
    instance = workdir / f"n{size}"
    instance.mkdir()
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{instance / 'bench.sqlite3'}",
            "KB_SEARCH_DIR": str(instance / "search"),
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
    with app.app_context():
        upgrade()
        ensure_index(Path(app.config["KB_SEARCH_DIR"]))
        print(f"\n## {size:,} documents")
        embedding.model()  # loaded once per process; not part of any figure below
        documents = [corpus.document(number) for number in range(200)]

        def embed_one(round_number: int) -> None:
            embedding.embed([embedding.text_of(documents[round_number % len(documents)])])

        one = timed(embed_one, 200)
        print(
            f"embed one document (~{len(embedding.text_of(documents[0]).split())} words): "
            f"p50 {one[0]:.2f} ms, p95 {one[1]:.2f} ms"
        )

        # The keyword index first, without the vectors (the listener set aside), so each is timed alone.
        declared = app.extensions[features.EXTENSION]
        app.extensions[features.EXTENSION] = features.changed(app, "meaning", index_listeners=())
        started = time.perf_counter()
        search.rebuild()
        app.extensions[features.EXTENSION] = declared
        print(f"keyword index rebuild alone: {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        last = [0]

        def progress(done: int, total: int) -> None:
            if done - last[0] >= total // 4 or done == total:
                last[0] = done
                print(f"  vectors {done:,}/{total:,} ({time.perf_counter() - started:.1f} s)")

        rebuild_vectors(progress)
        print(
            f"rebuild all vectors: {time.perf_counter() - started:.1f} s "
            f"({size / (time.perf_counter() - started):,.0f} documents/s)"
        )

        started = time.perf_counter()
        fresh = VectorStore()
        fresh.refresh()
        print(
            f"load the vectors into a new process's store: {(time.perf_counter() - started) * 1000:.0f} ms "
            f"({fresh.matrix.nbytes / 2**20:.1f} MiB)"
        )

        visitor = AnonymousUserMixin()
        visibilities = search.visibilities_for(visitor)
        vector_store()  # this process's store, loaded
        queries = embedding.embed(SITUATIONS)
        nearest = timed(lambda n: vector_store().nearest(queries[n % len(queries)], visibilities, 50), rounds)
        hybrid = timed(lambda n: meaning.rank(SITUATIONS[n % len(SITUATIONS)], visibilities, "hybrid"), rounds)
        words = timed(lambda n: meaning.rank(SITUATIONS[n % len(SITUATIONS)], visibilities, "words"), rounds)
        described = timed(lambda n: meaning.describe(SITUATIONS[n % len(SITUATIONS)], visitor), rounds)

        def ordinary_search(n: int) -> None:
            search.answer(
                search.SearchRequest(
                    parsed=search.parse(["council funding", "partnership", "grant volunteers"][n % 3]),
                    visibilities=visibilities,
                )
            )

        ordinary = timed(ordinary_search, rounds)
        # The same searches with the words alone, for comparison.
        app.extensions[features.EXTENSION] = features.changed(app, "meaning", rankers=())
        words_alone = timed(ordinary_search, rounds)
        app.extensions[features.EXTENSION] = declared
        print(f"{'query':52} {'p50 ms':>8} {'p95 ms':>8}")
        for name, (p50, p95) in (
            ("nearest 50 by meaning (numpy, incl. freshness check)", nearest),
            ("keyword ranking alone (any words, top 50)", words),
            ("hybrid: words + meaning fused", hybrid),
            ("describe page's answer (hybrid + passages explained)", described),
            ("ordinary search, meaning fused into page 1", ordinary),
            ("ordinary search, the words alone (reference)", words_alone),
        ):
            print(f"{name:52} {p50:8.1f} {p95:8.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000])
    parser.add_argument("--rounds", type=int, default=100)
    arguments = parser.parse_args()
    print(
        f"meaning bench: {os.cpu_count()} cores, model {embedding.MODEL_NAME}, "
        f"{embedding.DIMENSIONS} dimensions, float32"
    )
    with tempfile.TemporaryDirectory() as folder:
        for size in arguments.sizes:
            run_size(size, arguments.rounds, Path(folder))


if __name__ == "__main__":
    main()

"""The Whoosh index on disk: its schema, where the current index is, and swapping in a rebuilt one.

KB_SEARCH_DIR holds one or more index folders and a CURRENT file naming the one in use. A rebuild
writes a new folder and then replaces CURRENT in one atomic rename, so searches never see a
half-built index.
"""

from __future__ import annotations

import os
import re
import shutil
import time
from pathlib import Path
from pickle import dumps

from whoosh import index as whoosh_index
from whoosh.analysis import CompositeAnalyzer, LowercaseFilter, RegexTokenizer, StemFilter, StemmingAnalyzer
from whoosh.analysis.tokenizers import default_pattern
from whoosh.fields import BOOLEAN, DATETIME, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.formats import Positions
from whoosh.index import EmptyIndexError
from whoosh.lang.porter import stem
from whoosh.system import pack_uint

INDEX_NAME = "main"
POINTER = "CURRENT"

# No stop words: a quoted phrase must match exactly that phrase, "of the" included.
ANALYZER = StemmingAnalyzer(stoplist=None)

# The same tokens as ANALYZER (the default pattern without its capturing group, lower-cased, then
# Porter-stemmed), produced without Whoosh's token objects and generator chain: analysing the
# text field that way was most of the cost of indexing a document.
_WORDS = re.compile(default_pattern.pattern.replace("(\\.?", "(?:\\.?"), default_pattern.flags)
_STEMS: dict[str, str] = {}


def _fast_stems(value: str) -> list[str]:
    cache = _STEMS
    if len(cache) > 200_000:
        cache.clear()
    out = []
    append = out.append
    for word in _WORDS.findall(value):
        stemmed = cache.get(word)
        if stemmed is None:
            stemmed = cache[word] = stem(word.lower())
        append(stemmed)
    return out


def _is_plain_stemming(analyzer) -> bool:
    """True when analyzer is StemmingAnalyzer(stoplist=None) as built above (so _fast_stems agrees)."""
    if not isinstance(analyzer, CompositeAnalyzer) or len(analyzer.items) != 3:
        return False
    tokenizer, lower, stemmer = analyzer.items
    return (
        type(tokenizer) is RegexTokenizer
        and not tokenizer.gaps
        and tokenizer.expression.pattern == default_pattern.pattern
        and tokenizer.expression.flags == default_pattern.flags
        and type(lower) is LowercaseFilter
        and type(stemmer) is StemFilter
        and stemmer.stemfn is stem
        and not stemmer.lang
        and not stemmer.ignore
    )


class FastPositions(Positions):
    """Positions, with a fast path for the text field's analyser (same terms, positions and weights)."""

    def word_values(self, value, analyzer, **kwargs):
        if kwargs.get("start_pos") or not isinstance(value, str) or not _is_plain_stemming(analyzer):
            yield from super().word_values(value, analyzer, **kwargs)
            return
        positions: dict[str, list[int]] = {}
        for position, term in enumerate(_fast_stems(value)):
            found = positions.get(term)
            if found is None:
                positions[term] = [position]
            else:
                found.append(position)
        boost = self.field_boost
        encode = self.encode
        for term, found in positions.items():
            yield term, len(found), float(len(found)) * boost, encode(found)

    def encode(self, poslist):
        if len(poslist) == 1:
            return pack_uint(1) + dumps(poslist, 2)
        deltas = [poslist[0]]
        deltas.extend([after - before for before, after in zip(poslist, poslist[1:], strict=False)])
        return pack_uint(len(deltas)) + dumps(deltas, 2)


def _text_field() -> TEXT:
    field = TEXT(analyzer=ANALYZER)
    field.format = FastPositions(field_boost=field.format.field_boost)
    return field


def build_schema() -> Schema:
    # One analysed field, `text`, holds everything searched, with the title repeated three times and
    # the summary and tags twice (see documents.py): one posting list per word is what keeps
    # queries fast, and the repetition ranks a word in a title above the same word in a body.
    return Schema(
        doc_id=ID(stored=True, unique=True, sortable=True),  # sortable: equal results ordered by it
        content_type=ID(stored=True, sortable=True),
        text=_text_field(),
        # The distinct words of titles, summaries and tags, unstemmed: what "Did you mean" suggests
        # from. Words of bodies are left out: indexing them for spelling cut rebuilds to a third.
        vocabulary=KEYWORD(lowercase=True),
        title=STORED(),
        summary=STORED(),
        body=STORED(),
        tags=KEYWORD(commas=True, lowercase=True, stored=True, sortable=True),
        themes=KEYWORD(commas=True, stored=True, sortable=True),
        region=ID(stored=True, sortable=True),
        sectors=KEYWORD(commas=True, stored=True, sortable=True),
        visibility=ID(stored=True, sortable=True),
        status=ID(stored=True),
        outcome=ID(stored=True),
        verified=BOOLEAN(stored=True),
        featured=BOOLEAN(stored=True),
        url=STORED(),
        published_year=ID(stored=True, sortable=True),
        published_at=DATETIME(stored=True, sortable=True),
        updated_at=DATETIME(stored=True, sortable=True),
    )


SCHEMA = build_schema()


def current_index_dir(search_dir: Path) -> Path | None:
    """The folder of the index in use, or None when there is none yet."""
    try:
        name = (search_dir / POINTER).read_text().strip()
    except FileNotFoundError:
        return None
    return search_dir / name if name else None


def new_index_dir(search_dir: Path) -> Path:
    """A fresh, empty index in a new folder (not yet in use)."""
    search_dir.mkdir(parents=True, exist_ok=True)
    folder = search_dir / f"index-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}-{time.monotonic_ns() % 10**6}"
    folder.mkdir()
    whoosh_index.create_in(str(folder), SCHEMA, indexname=INDEX_NAME)
    return folder


def make_current(search_dir: Path, folder: Path) -> None:
    """Point CURRENT at folder in one atomic step."""
    temporary = search_dir / f"{POINTER}.{os.getpid()}.tmp"
    temporary.write_text(folder.name + "\n")
    os.replace(temporary, search_dir / POINTER)


def remove_unused(search_dir: Path) -> None:
    """Delete index folders that CURRENT no longer names."""
    folder = current_index_dir(search_dir)
    for old in search_dir.glob("index-*"):
        if old != folder and old.is_dir():
            # Open readers keep their files on Linux; nothing new will open the old folder.
            shutil.rmtree(old, ignore_errors=True)


def ensure_index(search_dir: Path) -> bool:
    """Create an empty index unless one is in use. True when it was created."""
    folder = current_index_dir(search_dir)
    if folder is not None and whoosh_index.exists_in(str(folder), indexname=INDEX_NAME):
        return False
    make_current(search_dir, new_index_dir(search_dir))
    remove_unused(search_dir)
    return True


def open_folder(folder: Path):
    return whoosh_index.open_dir(str(folder), indexname=INDEX_NAME)


def open_index(search_dir: Path):
    folder = current_index_dir(search_dir)
    if folder is None:
        raise EmptyIndexError(f"no search index in {search_dir}: run `flask kb index init`")
    return open_folder(folder)


def _field_shape(field) -> tuple:
    return type(field), type(getattr(field, "format", None)), bool(getattr(field, "stored", False))


def built_with_current_schema(search_dir: Path) -> bool:
    """False when the index in use was built by an older version of the schema (a rebuild fixes it)."""
    schema = open_index(search_dir).schema
    if set(schema.names()) != set(SCHEMA.names()):
        return False
    return all(_field_shape(schema[name]) == _field_shape(SCHEMA[name]) for name in SCHEMA.names())


def index_health(search_dir: Path) -> dict:
    """Whether the index opens and can be searched, and how many documents it holds."""
    try:
        with open_index(search_dir).searcher() as searcher:
            documents = searcher.doc_count()
    except (EmptyIndexError, OSError) as error:
        return {"ok": False, "error": f"index not readable at {search_dir}: {error.__class__.__name__}"}
    return {"ok": True, "documents": documents}

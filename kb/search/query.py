"""Reading what people type into the search box.

The syntax is what people already know: plain words (all must match), "quoted phrases", -exclude,
OR between two words or phrases, and prefix* searches. Anything else (unbalanced quotes, a lone
operator, field:syntax, punctuation) is read as plain words, and the reading is reported so the
page can say how the query was understood. Reading never fails.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

MAX_QUERY_LENGTH = 500
MAX_PARTS = 24
WORD = re.compile(r"\w+", re.UNICODE)
TOKEN = re.compile(r'"[^"]*"|\S+')


@dataclass(frozen=True)
class Part:
    """One thing to look for: a word, a phrase (several words in order) or a prefix."""

    words: tuple[str, ...]
    kind: str = "word"  # "word" | "phrase" | "prefix"

    def display(self) -> str:
        if self.kind == "phrase":
            return '"' + " ".join(self.words) + '"'
        if self.kind == "prefix":
            return self.words[0] + "*"
        return self.words[0]


@dataclass
class ParsedQuery:
    required: list[list[Part]] = field(default_factory=list)  # each inner list: alternatives joined by OR
    excluded: list[Part] = field(default_factory=list)
    adjusted: bool = False  # True when the query was read differently from how it was typed

    @property
    def is_empty(self) -> bool:
        return not self.required

    @property
    def plain_words(self) -> list[str]:
        return [part.words[0] for group in self.required for part in group if part.kind == "word"]

    def display(self) -> str:
        groups = [" OR ".join(part.display() for part in group) for group in self.required]
        return " ".join(groups + ["-" + part.display() for part in self.excluded])


def _words(text: str) -> list[str]:
    return [word.lower() for word in WORD.findall(text)]


def parse(text: str) -> ParsedQuery:
    """Read a query; never raises. `adjusted` says whether it was read as typed."""
    parsed = ParsedQuery()
    text = text or ""
    if len(text) > MAX_QUERY_LENGTH:
        text = text[:MAX_QUERY_LENGTH]
        parsed.adjusted = True
    if text.count('"') % 2:
        # An unbalanced quote: read the text as plain words.
        text = text.replace('"', " ")
        parsed.adjusted = True

    pending_or = False
    for token in TOKEN.findall(text):
        if token == "OR":
            if parsed.required and not pending_or:
                pending_or = True
            else:
                parsed.adjusted = True  # OR with nothing before it
            continue
        negative = token.startswith("-") and len(token) > 1
        body = token[1:] if negative else token
        parts, exact = _parts_of(body)
        if not exact:
            parsed.adjusted = True
        if not parts:
            continue
        if negative:
            parsed.excluded.extend(parts)
            pending_or = False
            continue
        if pending_or and len(parts) == 1:
            parsed.required[-1].append(parts[0])
        else:
            if pending_or:
                parsed.adjusted = True
            parsed.required.extend([part] for part in parts)
        pending_or = False
    if pending_or:
        parsed.adjusted = True  # OR with nothing after it

    if len(parsed.required) + len(parsed.excluded) > MAX_PARTS:
        parsed.required = parsed.required[:MAX_PARTS]
        parsed.excluded = parsed.excluded[: max(0, MAX_PARTS - len(parsed.required))]
        parsed.adjusted = True
    if not parsed.required and parsed.excluded:
        # Only exclusions would mean "everything except": read them as words to look for instead.
        parsed.required = [[part] for part in parsed.excluded]
        parsed.excluded = []
        parsed.adjusted = True
    return parsed


def _parts_of(token: str) -> tuple[list[Part], bool]:
    """The parts in one token, and whether the token was exactly understood."""
    if len(token) >= 2 and token.startswith('"') and token.endswith('"'):
        words = _words(token[1:-1])
        if not words:
            return [], False
        exact = " ".join(words) == " ".join(token[1:-1].lower().split())
        return [Part(tuple(words), "phrase" if len(words) > 1 else "word")], exact
    if token.endswith("*") and WORD.fullmatch(token[:-1]) and len(token) > 2:
        return [Part((token[:-1].lower(),), "prefix")], True
    words = _words(token)
    exact = len(words) == 1 and WORD.fullmatch(token) is not None
    return [Part((word,)) for word in words], exact

"""Text helpers every feature's forms and services use."""

from __future__ import annotations

import re
import unicodedata
from typing import Any, overload


def slugify(text: str, max_length: int = 80) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")
    return slug[:max_length].rstrip("-") or "item"


def unix_newlines(value: Any) -> Any:  # a form filter: whatever the field holds
    # Browsers send line breaks as CRLF; count each as one character, as the text box does.
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """'1 post', '3 posts': the count with its noun, in one place for pages and messages alike."""
    return f"{count} {singular if count == 1 else plural_form or singular + 's'}"


def member_name(user: Any, capitalised: bool = False) -> str:
    """A member's name, or what to call someone whose account has gone."""
    if user is not None:
        return user.display_name
    return "A former member" if capitalised else "a former member"


def strip(value: Any) -> Any:  # a form filter
    return value.strip() if isinstance(value, str) else value


# Line breaks of every kind (CR, LF, NEL, U+2028, U+2029...), tabs and other control characters.
_BREAKS_AND_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


@overload
def one_line(value: str) -> str: ...
@overload
def one_line(value: Any) -> Any: ...
def one_line(value: Any) -> Any:
    """A title, name or other one-line field as it is stored: every line break, control character and
    run of spaces becomes one space, and the ends are trimmed. A line break pasted into a title would
    otherwise reach places that cannot hold one: a mail's Subject, a feed's title, a CSV cell."""
    if not isinstance(value, str):
        return value
    return " ".join(_BREAKS_AND_CONTROLS.sub(" ", value).split())

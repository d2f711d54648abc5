"""Comparing two revisions field by field, in a form a person (and a screen reader) can follow."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

# The fields a reader cares about, in the order the form shows them.
COMPARED_FIELDS = (
    ("status", "Status"),
    ("title", "Title"),
    ("summary", "Summary"),
    ("outcome", "Outcome"),
    ("theme_slugs", "Themes"),
    ("body", "Text"),
    ("region", "Region"),
    ("locality", "Locality"),
    ("sectors", "Sectors involved"),
    ("organisations", "Organisations"),
    ("year_started", "Year the work started"),
    ("tags", "Tags"),
    ("source_case_study_id", "From case study"),
)
CONTEXT_LINES = 2


@dataclass
class FieldChange:
    label: str
    before: str = ""
    after: str = ""
    # For long text: ("same" | "removed" | "added" | "gap", line) rows, like a unified diff.
    lines: list[tuple[str, str]] = field(default_factory=list)


def _as_text(value, names: dict | None = None) -> str:
    """A field's value as a person reads it: names instead of ids and slugs, one kind of line break."""
    names = names or {}
    if value is None:
        return ""
    if isinstance(value, list):
        return ", ".join(names.get(str(part), str(part)) for part in value if str(part).strip())
    return names.get(str(value), str(value)).replace("\r\n", "\n").strip()


def _line_diff(before: str, after: str) -> list[tuple[str, str]]:
    rows: list[tuple[str, str]] = []
    diff = difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=CONTEXT_LINES)
    for line in list(diff)[2:]:  # skip the ---/+++ file headers
        if line.startswith("@@"):
            rows.append(("gap", ""))
        elif line.startswith("-"):
            rows.append(("removed", line[1:]))
        elif line.startswith("+"):
            rows.append(("added", line[1:]))
        else:
            rows.append(("same", line[1:]))
    if rows and rows[0][0] == "gap":
        rows.pop(0)
    return rows


def compare(before: dict, after: dict, labels: dict[str, dict] | None = None) -> list[FieldChange]:
    """What changed between two revision snapshots; unchanged fields are left out.

    labels maps a field to readable names for its stored values (theme slugs, case study ids).
    """
    labels = labels or {}
    changes = []
    for name, label in COMPARED_FIELDS:
        old = _as_text(before.get(name), labels.get(name))
        new = _as_text(after.get(name), labels.get(name))
        if old == new:
            continue
        if name == "body":
            changes.append(FieldChange(label, lines=_line_diff(old, new)))
        else:
            changes.append(FieldChange(label, before=old, after=new))
    return changes

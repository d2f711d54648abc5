"""CSV downloads that are safe to open in a spreadsheet: every export on the site goes through here."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Sequence

from flask import Response

# A spreadsheet runs a cell that starts like a formula (OWASP "CSV injection"); a leading tab or
# carriage return can hide such a start from a first glance, so those are kept as text too.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# Excel reads a CSV without a byte-order mark as the local code page, mangling “curly quotes” and é.
UTF8_WITH_MARK = "utf-8-sig"


PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def safe_cell(value: object) -> str:
    """The value as spreadsheet text: one that starts like a formula gets a leading single quote."""
    text = "" if value is None else str(value)
    if PLAIN_NUMBER.fullmatch(text):  # a negative figure (a change, a gap) stays a number to sum
        return text
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([safe_cell(name) for name in header])
    writer.writerows([safe_cell(value) for value in row] for row in rows)
    return out.getvalue()


def csv_download(filename: str, header: Sequence[str], rows: Iterable[Sequence[object]]) -> Response:
    """A UTF-8 CSV attachment with a header row, every cell escaped."""
    return Response(
        csv_text(header, rows).encode(UTF8_WITH_MARK),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )

"""A filtered list of case studies or lessons as spreadsheet rows: the columns a reader of the list
page sees, with each item's full address. Only published items ever reach here (queries.all_published);
the escaping against spreadsheet formulas is kb/platform/csv_export's."""

from __future__ import annotations

from collections.abc import Iterator

from kb.library import rules
from kb.library.kinds import CASE_STUDIES, KindPages
from kb.library.models import LibraryItem

CASE_STUDY_COLUMNS = (
    "Title",
    "Address",
    "Summary",
    "Themes",
    "Region",
    "Locality",
    "Sectors involved",
    "Organisations",
    "Work started",
    "Tags",
    "Verified good practice",
    "Shared by",
    "Published",
)
LESSON_COLUMNS = (
    "Title",
    "Address",
    "Outcome",
    "Lesson",
    "Themes",
    "From the case study",
    "Region (of the case study)",
    "Sectors (of the case study)",
    "Tags",
    "Shared by",
    "Published",
)


def listed(values) -> str:
    return "; ".join(values)


def columns_for(pages: KindPages) -> tuple[str, ...]:
    return CASE_STUDY_COLUMNS if pages is CASE_STUDIES else LESSON_COLUMNS


def filename_for(pages: KindPages, active_filters: dict[str, str]) -> str:
    """case-studies.csv, or lessons-funding-it-better-north-west.csv for a filtered list."""
    # ASCII only: a header carries Latin-1 at most, and a tag may be written in any script.
    chosen = "-".join(
        "".join(ch if ch.isascii() and ch.isalnum() else "-" for ch in value.lower())
        for value in active_filters.values()
    )
    return f"{pages.prefix}{'-' + chosen[:80].strip('-') if chosen else ''}.csv"


def rows(pages: KindPages, items: list[LibraryItem], site_root: str) -> Iterator[tuple]:
    """One row per item; site_root ("https://example.org") makes each address whole."""
    for item in items:
        address = site_root.rstrip("/") + item.path()
        themes, tags = listed(theme.title for theme in item.themes), listed(tag.name for tag in item.tags)
        published = item.published_at.date().isoformat() if item.published_at else ""
        if pages is CASE_STUDIES:
            verified = (item.verified_note or "yes") if item.verified_at else ""
            yield (
                item.title,
                address,
                item.summary,
                themes,
                item.region or "",
                item.locality,
                listed(item.sectors or []),
                listed(item.organisations or []),
                item.year_started or "",
                tags,
                verified,
                item.credit,
                published,
            )
        else:
            # As on the lesson's page: its case study is named only while the public may read it.
            source = (
                item.source_case_study
                if item.source_case_study and rules.can_view(None, item.source_case_study)
                else None
            )
            yield (
                item.title,
                address,
                item.outcome or "",
                item.body,
                themes,
                source.title if source else "",
                (source.region or "") if source else "",
                listed(source.sectors or []) if source else "",
                tags,
                item.credit,
                published,
            )

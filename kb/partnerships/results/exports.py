"""A closed round's results as a spreadsheet: one row per item, in the leaflet's order, with the
figures the results page shows. A withheld figure is an empty cell, exactly like an empty figure:
the numbers come from results.py and trends.py, which never work them out."""

from __future__ import annotations

from kb.partnerships.results.service import RoundResults
from kb.partnerships.results.trends import RoundTrends

CSV_HEADER = (
    "Theme",
    "Item",
    "Do",
    "Positive (%)",
    "Spread",
    "Don't know (%)",
    "Public body positive (%)",
    "Voluntary or community positive (%)",
    "Sector gap (points)",
    "Gap of 20 or more",
    "Strong disagreement",
    "Awareness gap",
    "Change (points)",
    "Compared with round",
    "Reworded",
)


def _figure(value: float | None, places: int = 1) -> str:
    return "" if value is None else f"{value:.{places}f}"


def _flag(value: bool) -> str:
    return "yes" if value else ""


def csv_header(trends: RoundTrends) -> list[str]:
    """The columns, then the item's share in each earlier round compared (blank where it was
    withheld, or asked in other words)."""
    return [*CSV_HEADER, *(f"Positive (%) in {name}" for name in trends.round_names[:-1])]


def results_rows(results: RoundResults, trends: RoundTrends) -> list[list[str]]:
    rows = []
    for theme_result in results.themes:
        for item in sorted(theme_result.items, key=lambda item: item.number):
            figures = item.figures
            series = trends.items.get(item.pair.id)
            latest = series.latest if series is not None else None
            change = latest.change if latest is not None else None
            earlier = series.points[:-1] if series is not None else []
            rows.append(
                [
                    theme_result.theme.title,
                    str(item.number),
                    item.pair.do_text,
                    _figure(figures.share),
                    _figure(figures.spread, 2),
                    _figure(figures.dont_know_rate),
                    _figure(figures.public_share),
                    _figure(figures.voluntary_share),
                    _figure(figures.gap),
                    _flag(figures.gap_highlighted),
                    _flag(figures.strong_disagreement),
                    _flag(figures.awareness_gap),
                    _figure(change),
                    latest.compared_with if change is not None else "",
                    _flag(series is not None and series.reworded),
                    *(_figure(point.share if point.same_wording else None) for point in earlier),
                ]
            )
    return rows

"""The round's pictures beyond each theme's item chart: the sector gap per theme and each theme's
trend over the last rounds, built from figures results.py and trends.py have already cleared for
showing (a withheld figure is None here, and draws only a dash)."""

from __future__ import annotations

from markupsafe import Markup

from kb.partnerships.results.chart import ROUND_COLOURS, SECTOR_COLOURS, Bar, grouped_chart, points
from kb.partnerships.results.service import RoundResults
from kb.partnerships.results.trends import RoundTrends


def sector_gap_chart(results: RoundResults) -> Markup:
    """Public bodies beside the voluntary sector for each theme; nothing at all unless the round's
    respondents may be split by sector (kb/partnerships/results/disclosure.py)."""
    if not results.sectors_shown or not results.themes:
        return Markup("")
    groups = []
    for theme_result in results.themes:
        figures = theme_result.figures
        note = ""
        if figures.gap is not None:
            note = f"gap {points(figures.gap)}" + (", 20 or more" if figures.gap_highlighted else "")
        groups.append(
            (
                theme_result.theme.title,
                [
                    Bar("Public body", figures.public_share, SECTOR_COLOURS["public"]),
                    Bar(
                        "Voluntary", figures.voluntary_share, SECTOR_COLOURS["voluntary"], note, figures.gap_highlighted
                    ),
                ],
            )
        )
    return grouped_chart(
        "chart-sector-gap",
        "The sector gap for each theme: share of positive answers from public bodies and from "
        "the voluntary and community sector",
        "For each theme, a bar for public bodies and one for the voluntary and community sector; the gap in "
        "points follows the second bar, and gaps of 20 points or more say so. A dash is a figure withheld or "
        "empty.",
        groups,
    )


def trend_chart(results: RoundResults, trends: RoundTrends) -> Markup:
    """Each theme's share in each of the rounds compared, oldest first, with its change."""
    if not trends.compared or not results.themes:
        return Markup("")
    colours = ROUND_COLOURS[-len(trends.round_names) :]
    groups = []
    for theme_result in results.themes:
        series = trends.themes[theme_result.theme.id]
        bars = []
        for point, colour in zip(series.points, colours, strict=True):
            note = f"{points(point.change)} on {point.compared_with}" if point.change is not None else ""
            bars.append(Bar(point.round_name, point.share, colour, note))
        groups.append((theme_result.theme.title, bars))
    names = ", ".join(trends.round_names)
    return grouped_chart(
        "chart-trend",
        f"Each theme over the rounds {names}: share of positive answers",
        "For each theme, a bar per round, oldest first, named by the round; the change in points from the "
        "previous round follows the figure. A dash is a figure withheld or empty.",
        groups,
    )

"""A round's results as bar charts: SVG drawn on the server (no JavaScript), titled and described
for screen readers, with the same figures in a table beside each. Withheld figures draw no bar,
only a dash, exactly like empty ones. Every bar is labelled in words and figures, so colour only
helps the eye: it never carries anything on its own. Fills have at least 3:1 contrast on white.

- share_chart: each item of a theme (positive share).
- sector_gap_chart: each theme, public bodies beside the voluntary sector, gaps of 20 points or
  more written out as such.
- trend_chart: each theme over the last rounds, with the change from the previous round."""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

BAR_HEIGHT = 22
GAP = 10
LABEL_WIDTH = 70
PLOT_WIDTH = 400
TOP = 24
COLOURS = {"bar": "#0b5563", "weak": "#b3261e", "axis": "#4a5359", "text": "#1b1f24"}


def _opening(
    chart_id: str, title: str, description: str, width: float, height: float, css_class: str = "chart"
) -> list[str]:
    labelled_by = f"{chart_id}-title {chart_id}-desc" if description else f"{chart_id}-title"
    parts = [
        f'<svg class="{css_class}" role="img" aria-labelledby="{labelled_by}" '
        f'viewBox="0 0 {width:.0f} {height:.0f}" width="100%" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
    ]
    if description:
        parts.append(f'<desc id="{chart_id}-desc">{escape(description)}</desc>')
    return parts


def share_chart(
    chart_id: str, title: str, rows: list[tuple[str, float | None]], weak_below: float, description: str = ""
) -> Markup:
    """Horizontal bars, one per (label, share) row, on a 0–100% axis."""
    height = TOP + len(rows) * (BAR_HEIGHT + GAP) + 20
    width = LABEL_WIDTH + PLOT_WIDTH + 60
    parts = _opening(chart_id, title, description, width, height)
    for tick in (0, 50, 100):
        x = LABEL_WIDTH + PLOT_WIDTH * tick / 100
        parts.append(
            f'<line x1="{x:.0f}" y1="{TOP - 6}" x2="{x:.0f}" y2="{height - 20}" stroke="{COLOURS["axis"]}" '
            f'stroke-width="1" stroke-dasharray="{"" if tick == 0 else "3 3"}"/>'
        )
        parts.append(
            f'<text x="{x:.0f}" y="{TOP - 10}" font-size="12" text-anchor="middle" '
            f'fill="{COLOURS["text"]}">{tick}%</text>'
        )
    for index, (label, share) in enumerate(rows):
        y = TOP + index * (BAR_HEIGHT + GAP)
        middle = y + BAR_HEIGHT / 2 + 5
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{middle:.0f}" font-size="14" text-anchor="end" '
            f'fill="{COLOURS["text"]}">{escape(label)}</text>'
        )
        if share is None:
            parts.append(
                f'<text x="{LABEL_WIDTH + 6}" y="{middle:.0f}" font-size="14" fill="{COLOURS["text"]}">–</text>'
            )
            continue
        colour = COLOURS["weak"] if share < weak_below else COLOURS["bar"]
        bar = PLOT_WIDTH * share / 100
        parts.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{bar:.1f}" height="{BAR_HEIGHT}" fill="{colour}"/>')
        parts.append(
            f'<text x="{LABEL_WIDTH + bar + 6:.1f}" y="{middle:.0f}" font-size="14" '
            f'fill="{COLOURS["text"]}">{share:.0f}%</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))


# ---- charts of groups of bars: a heading per theme, then one labelled bar per figure ----------

GROUP_LABEL_WIDTH = 110
GROUP_PLOT_WIDTH = 360
NOTE_WIDTH = 260
HEADING_HEIGHT = 24
SECTOR_COLOURS = {"public": "#0b5563", "voluntary": "#6a3d9a"}
# Oldest round lightest; each bar also names its round, so the shade is only a help.
ROUND_COLOURS = ("#7b8a91", "#3d6f7c", "#0b5563")
HIGHLIGHT = "#b3261e"


@dataclass
class Bar:
    label: str  # written beside the bar: "Public body", "2025"
    share: float | None  # None draws a dash: withheld or empty look the same
    colour: str
    note: str = ""  # written after the figure: the gap, the change
    emphasised: bool = False  # the note in bold and the highlight colour (and in words)


def grouped_chart(chart_id: str, title: str, description: str, groups: list[tuple[str, list[Bar]]]) -> Markup:
    """For each (heading, bars) group: the heading, then horizontal bars on a 0–100% axis."""
    bars = sum(len(group_bars) for _heading, group_bars in groups)
    height = TOP + len(groups) * HEADING_HEIGHT + bars * (BAR_HEIGHT + GAP) + 10
    left, width = GROUP_LABEL_WIDTH, GROUP_LABEL_WIDTH + GROUP_PLOT_WIDTH + NOTE_WIDTH
    # Wider than a theme's item chart: it is shown above its table, not beside it.
    parts = _opening(chart_id, title, description, width, height, css_class="chart chart--wide")
    for tick in (0, 50, 100):
        x = left + GROUP_PLOT_WIDTH * tick / 100
        parts.append(
            f'<line x1="{x:.0f}" y1="{TOP - 6}" x2="{x:.0f}" y2="{height - 10}" stroke="{COLOURS["axis"]}" '
            f'stroke-width="1" stroke-dasharray="{"" if tick == 0 else "3 3"}"/>'
        )
        parts.append(
            f'<text x="{x:.0f}" y="{TOP - 10}" font-size="12" text-anchor="middle" '
            f'fill="{COLOURS["text"]}">{tick}%</text>'
        )
    y = TOP
    for heading, group_bars in groups:
        parts.append(
            f'<text x="0" y="{y + 17}" font-size="15" font-weight="700" '
            f'fill="{COLOURS["text"]}">{escape(heading)}</text>'
        )
        y += HEADING_HEIGHT
        for bar in group_bars:
            middle = y + BAR_HEIGHT / 2 + 5
            parts.append(
                f'<text x="{left - 8}" y="{middle:.0f}" font-size="14" text-anchor="end" '
                f'fill="{COLOURS["text"]}">{escape(bar.label)}</text>'
            )
            if bar.share is None:
                parts.append(f'<text x="{left + 6}" y="{middle:.0f}" font-size="14" fill="{COLOURS["text"]}">–</text>')
            else:
                length = GROUP_PLOT_WIDTH * bar.share / 100
                parts.append(
                    f'<rect x="{left}" y="{y}" width="{length:.1f}" height="{BAR_HEIGHT}" fill="{bar.colour}"/>'
                )
                note = f" · {bar.note}" if bar.note else ""
                weight, colour = ("700", HIGHLIGHT) if bar.emphasised else ("400", COLOURS["text"])
                parts.append(
                    f'<text x="{left + length + 6:.1f}" y="{middle:.0f}" font-size="14" '
                    f'font-weight="{weight}" fill="{colour}">{bar.share:.0f}%{escape(note)}</text>'
                )
            y += BAR_HEIGHT + GAP
    parts.append("</svg>")
    return Markup("".join(parts))


def points(change: float) -> str:
    """A change or gap in percentage points, signed: "+12 points", "-5 points", "0 points"."""
    rounded = round(change)
    return f"{rounded:+d} points" if rounded else "0 points"

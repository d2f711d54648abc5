"""A theme's results as a bar chart: SVG drawn on the server (no JavaScript), titled for screen
readers, with the same figures in a table beside it. Withheld figures draw no bar."""

from __future__ import annotations

from markupsafe import Markup, escape

BAR_HEIGHT = 22
GAP = 10
LABEL_WIDTH = 70
PLOT_WIDTH = 400
TOP = 24
COLOURS = {"bar": "#0b5563", "weak": "#b3261e", "axis": "#4a5359", "text": "#1b1f24"}


def share_chart(chart_id: str, title: str, rows: list[tuple[str, float | None]], weak_below: float) -> Markup:
    """Horizontal bars, one per (label, share) row, on a 0–100% axis."""
    height = TOP + len(rows) * (BAR_HEIGHT + GAP) + 20
    width = LABEL_WIDTH + PLOT_WIDTH + 60
    parts = [f'<svg class="chart" role="img" aria-labelledby="{chart_id}-title" viewBox="0 0 {width} {height}" '
             f'width="100%" xmlns="http://www.w3.org/2000/svg">',
             f'<title id="{chart_id}-title">{escape(title)}</title>']
    for tick in (0, 50, 100):
        x = LABEL_WIDTH + PLOT_WIDTH * tick / 100
        parts.append(f'<line x1="{x:.0f}" y1="{TOP - 6}" x2="{x:.0f}" y2="{height - 20}" stroke="{COLOURS["axis"]}" '
                     f'stroke-width="1" stroke-dasharray="{"" if tick == 0 else "3 3"}"/>')
        parts.append(f'<text x="{x:.0f}" y="{TOP - 10}" font-size="12" text-anchor="middle" '
                     f'fill="{COLOURS["text"]}">{tick}%</text>')
    for index, (label, share) in enumerate(rows):
        y = TOP + index * (BAR_HEIGHT + GAP)
        middle = y + BAR_HEIGHT / 2 + 5
        parts.append(f'<text x="{LABEL_WIDTH - 8}" y="{middle:.0f}" font-size="14" text-anchor="end" '
                     f'fill="{COLOURS["text"]}">{escape(label)}</text>')
        if share is None:
            parts.append(f'<text x="{LABEL_WIDTH + 6}" y="{middle:.0f}" font-size="14" '
                         f'fill="{COLOURS["text"]}">–</text>')
            continue
        colour = COLOURS["weak"] if share < weak_below else COLOURS["bar"]
        bar = PLOT_WIDTH * share / 100
        parts.append(f'<rect x="{LABEL_WIDTH}" y="{y}" width="{bar:.1f}" height="{BAR_HEIGHT}" fill="{colour}"/>')
        parts.append(f'<text x="{LABEL_WIDTH + bar + 6:.1f}" y="{middle:.0f}" font-size="14" '
                     f'fill="{COLOURS["text"]}">{share:.0f}%</text>')
    parts.append("</svg>")
    return Markup("".join(parts))

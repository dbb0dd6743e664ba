"""Bar charts drawn on the box as inline SVG: no script, no external assets.

`bar_chart(rows, ...)` draws one bar pair per report row (calls, and answered in
front), labelled with the row's key. Labels come from call records and the
config (agent names, regions), so every text is escaped here: the template
inserts the SVG unescaped.
"""

from __future__ import annotations

from html import escape
from typing import Any

BAR, GAP, LABEL_W = 18, 6, 110


def bar_chart(rows: list[dict[str, Any]], calls_label: str, answered_label: str,
              width: int = 560) -> str:
    """Horizontal bars: grey for calls, green for answered, one row per key."""
    peak = max((r["calls"] for r in rows), default=0) or 1
    span = width - LABEL_W - 50
    height = len(rows) * (BAR + GAP) + 24
    parts = [f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" '
             f'aria-label="{escape(calls_label)}" xmlns="http://www.w3.org/2000/svg">',
             f'<g class="legend"><rect x="{LABEL_W}" y="2" width="10" height="10" class="c"/>'
             f'<text x="{LABEL_W + 14}" y="11">{escape(calls_label)}</text>'
             f'<rect x="{LABEL_W + 120}" y="2" width="10" height="10" class="a"/>'
             f'<text x="{LABEL_W + 134}" y="11">{escape(answered_label)}</text></g>']
    for i, row in enumerate(rows):
        y = 20 + i * (BAR + GAP)
        w_calls = round(span * row["calls"] / peak, 1)
        w_answered = round(span * row["answered"] / peak, 1)
        label = escape(str(row["key"] or "-")[:16])
        parts.append(f'<text x="{LABEL_W - 6}" y="{y + 13}" text-anchor="end">{label}</text>'
                     f'<rect x="{LABEL_W}" y="{y}" width="{w_calls}" height="{BAR}" class="c"/>'
                     f'<rect x="{LABEL_W}" y="{y + 4}" width="{w_answered}" '
                     f'height="{BAR - 8}" class="a"/>'
                     f'<text x="{LABEL_W + w_calls + 4}" y="{y + 13}">{int(row["calls"])}</text>')
    parts.append("</svg>")
    return "".join(parts)

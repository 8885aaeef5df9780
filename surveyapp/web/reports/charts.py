"""Charts as inline SVG, drawn on the server: no script, no CDN.

The kinds the Excel file draws: the share (or mean) by group as columns with the goal's
target as a dashed line, the answers as 100 % stacked bars, and first against latest
rating. Every figure a chart shows comes from the report and stands in the table beside
it, which is the accessible alternative: the drawings are hidden from screen readers
rather than read twice. Colours come from classes in reports.css.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

#: the drawing's width in SVG units; it scales to its box on screen and on paper
WIDTH = 720
FONT = 12
LINE = 15


def bar_svg(value: float | None, maximum: float, css_class: str = "bar-share") -> Markup:
    """A bar ``value`` of ``maximum`` long; nothing for a missing figure."""
    if value is None or maximum <= 0:
        return Markup("")
    width = max(0.0, min(1.0, value / maximum)) * 100
    return Markup(
        '<svg class="bar {cls}" viewBox="0 0 100 10" preserveAspectRatio="none" aria-hidden="true" '
        'focusable="false"><rect class="bar-track" x="0" y="0" width="100" height="10"/>'
        '<rect class="bar-fill" x="0" y="0" width="{w:.2f}" height="10"/></svg>'
    ).format(cls=css_class, w=width)


def wrap(text: str, width: int) -> list[str]:
    """``text`` broken into lines of at most ``width`` characters, at spaces where it can."""
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def _text(x: float, y: float, lines: Sequence[str], anchor: str = "start", css: str = "") -> str:
    cls = f' class="{css}"' if css else ""
    spans = "".join(
        f'<tspan x="{x:.1f}" dy="{0 if i == 0 else LINE}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{cls}>{spans}</text>'


def _svg(height: float, body: list[str], css: str) -> Markup:
    return Markup(
        f'<svg class="chart {css}" viewBox="0 0 {WIDTH} {height:.0f}" width="{WIDTH}" height="{height:.0f}" '
        f'aria-hidden="true" focusable="false">{"".join(body)}</svg>'
    )


@dataclass(frozen=True)
class Bar:
    """One column: its group's name, its value (None: too few answers) and the value's text."""

    label: str
    value: float | None
    text: str
    total: bool = False


def column_chart(bars: Sequence[Bar], maximum: float, target: float | None = None,
                 target_text: str = "", axis: Callable[[float], str] = str, ticks: int = 4) -> Markup:
    """Columns side by side, the value above each, the name below; ``target`` as a dashed line."""
    left, top, plot = 44, 24, 170
    label_width = max(6, int((WIDTH - left) / max(len(bars), 1) / 7.2))
    label_lines = max((len(wrap(b.label, label_width)) for b in bars), default=1)
    height = top + plot + 12 + label_lines * LINE + (22 if target is not None else 6)
    body = []
    for step in range(ticks + 1):
        value = maximum * step / ticks
        y = top + plot - plot * step / ticks
        body.append(f'<line class="grid" x1="{left}" x2="{WIDTH}" y1="{y:.1f}" y2="{y:.1f}"/>')
        body.append(_text(left - 6, y + 4, [axis(value)], "end", "axis"))
    slot = (WIDTH - left) / max(len(bars), 1)
    bar_width = min(90, slot * 0.6)
    for i, bar in enumerate(bars):
        x = left + slot * i + (slot - bar_width) / 2
        centre = left + slot * (i + 0.5)
        if bar.value is not None:
            h = plot * max(0.0, min(1.0, bar.value / maximum))
            css = "col total" if bar.total else "col"
            body.append(f'<rect class="{css}" x="{x:.1f}" y="{top + plot - h:.1f}" width="{bar_width:.1f}" '
                        f'height="{h:.1f}"/>')
            body.append(_text(centre, top + plot - h - 5, [bar.text], "middle", "value"))
        else:
            body.append(_text(centre, top + plot - 5, [bar.text], "middle", "value"))
        body.append(_text(centre, top + plot + 16, wrap(bar.label, label_width), "middle", "category"))
    if target is not None:
        y = top + plot - plot * min(1.0, target / maximum)
        body.append(f'<line class="target" x1="{left}" x2="{WIDTH}" y1="{y:.1f}" y2="{y:.1f}"/>')
        legend_y = height - 8
        body.append(f'<line class="target" x1="{left}" x2="{left + 28}" y1="{legend_y - 4}" '
                    f'y2="{legend_y - 4}"/>')
        body.append(_text(left + 34, legend_y, [target_text], "start", "legend"))
    return _svg(height, body, "chart-columns")


@dataclass(frozen=True)
class Segment:
    value: float | None
    text: str


def stacked_chart(rows: Sequence[tuple[str, Sequence[Segment]]], series: Sequence[tuple[str, str]]) -> Markup:
    """100 % stacked bars, one per row (a group, or a row and round); ``series`` are the
    options' labels with their colour class, in the order of each row's segments."""
    label_width = 190
    lines = [wrap(name, 28) for name, _ in rows]
    bar_height = 20
    row_heights = [max(bar_height + 8, len(ls) * LINE + 6) for ls in lines]
    plot_left, plot_width = label_width + 8, WIDTH - label_width - 16
    top = 6
    y = top
    body = []
    for (_name, segments), ls, rh in zip(rows, lines, row_heights, strict=True):
        body.append(_text(label_width, y + rh / 2 - (len(ls) - 1) * LINE / 2 + 4, ls, "end", "category"))
        x = plot_left
        bar_y = y + (rh - bar_height) / 2
        for (_label, css), segment in zip(series, segments, strict=True):
            if not segment.value:
                continue
            w = plot_width * segment.value / 100
            body.append(f'<rect class="seg {css}" x="{x:.1f}" y="{bar_y:.1f}" width="{w:.1f}" '
                        f'height="{bar_height}"/>')
            if w >= 30:
                body.append(_text(x + w / 2, bar_y + 14, [segment.text], "middle", f"seg-label {css}"))
            x += w
        y += rh
    # the legend: a swatch and a label per option, as many on a line as fit
    y += 10
    x = plot_left
    for label, css in series:
        width = 18 + 7 * len(label) + 14
        if x + width > WIDTH and x > plot_left:
            x = plot_left
            y += LINE + 4
        body.append(f'<rect class="seg {css}" x="{x:.1f}" y="{y:.1f}" width="12" height="12"/>')
        body.append(_text(x + 17, y + 10, [label], "start", "legend"))
        x += width
    return _svg(y + 20, body, "chart-stacked")


def bars_chart(rows: Sequence[tuple[str, Sequence[tuple[float | None, str]]]], names: Sequence[str],
               maximum: float) -> Markup:
    """Horizontal bars, one per series side by side in each row (rounds; first and latest
    rating), each value written at its bar's end; ``names`` label the series."""
    label_width = 250
    plot_left, plot_width = label_width + 8, WIDTH - label_width - 56
    count = max(len(names), 1)
    body, y = [], 6
    for label, values in rows:
        ls = wrap(label, 38)
        rh = max(count * 14 + 12, len(ls) * LINE + 8)
        body.append(_text(label_width, y + rh / 2 - (len(ls) - 1) * LINE / 2 + 4, ls, "end", "category"))
        for n, (value, text) in enumerate(values):
            bar_y = y + rh / 2 - count * 7 + n * 14
            w = 0.0 if value is None else plot_width * max(0.0, min(1.0, value / maximum))
            if w:
                body.append(f'<rect class="col s{n}" x="{plot_left}" y="{bar_y:.1f}" width="{w:.1f}" '
                            f'height="12"/>')
            body.append(_text(plot_left + w + 4, bar_y + 10, [text], "start", "value"))
        y += rh
    y += 10
    x = plot_left
    for n, name in enumerate(names):
        body.append(f'<rect class="col s{n}" x="{x:.1f}" y="{y:.1f}" width="12" height="12"/>')
        body.append(_text(x + 17, y + 10, [name], "start", "legend"))
        x += 17 + 7 * len(name) + 20
    return _svg(y + 20, body, "chart-bars")

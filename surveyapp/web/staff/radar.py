"""A radar (spider) chart as inline SVG, drawn on the server: no script, no CDN."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape


@dataclass(frozen=True)
class Series:
    label: str
    values: Sequence[float | None]
    #: a CSS class: the colours live in the stylesheet
    css_class: str


def radar_svg(axes: Sequence[str], series: Sequence[Series], steps: int = 5, width: int = 520,
              height: int = 400, title: str = "") -> Markup:
    """Axes around a circle, rings for 1..steps, one closed polygon per series."""
    cx, cy = width / 2, height / 2 + 5
    radius = height / 2 - 48
    n = len(axes)

    def point(i: int, value: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        r = radius * value / steps
        return cx + r * math.cos(angle), cy + r * math.sin(angle)

    parts = [
        f'<svg class="radar" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
        f'xmlns="http://www.w3.org/2000/svg">'
    ]
    if title:
        parts.append(f"<title>{escape(title)}</title>")
    for step in range(1, steps + 1):
        ring = " ".join(f"{x:.1f},{y:.1f}" for x, y in (point(i, step) for i in range(n)))
        parts.append(f'<polygon class="radar-ring" points="{ring}"/>')
        x, y = point(0, step)
        parts.append(f'<text class="radar-step" x="{x + 4:.1f}" y="{y + 4:.1f}">{step}</text>')
    for i, label in enumerate(axes):
        x, y = point(i, steps)
        parts.append(f'<line class="radar-axis" x1="{cx}" y1="{cy}" x2="{x:.1f}" y2="{y:.1f}"/>')
        lx, ly = point(i, steps + 0.55)
        anchor = "middle" if abs(lx - cx) < 10 else ("start" if lx > cx else "end")
        parts.append(f'<text class="radar-label" x="{lx:.1f}" y="{ly + 4:.1f}" '
                     f'text-anchor="{anchor}">{escape(label)}</text>')
    for s in series:
        pts = [point(i, v) for i, v in enumerate(s.values) if v is not None]
        if not pts:
            continue
        joined = " ".join(f"{x:.1f},{y:.1f}" for x, y in pts)
        parts.append(f'<g class="radar-series {s.css_class}"><title>{escape(s.label)}</title>'
                     f'<polygon points="{joined}"/>')
        parts.extend(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4"/>' for x, y in pts)
        parts.append("</g>")
    parts.append("</svg>")
    return Markup("".join(parts))

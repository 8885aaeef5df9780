"""Horizontal bars as inline SVG, drawn on the server: no script, no CDN.

The figure a bar stands for is always written beside it in the table, so the drawing is
hidden from screen readers rather than read twice.
"""

from __future__ import annotations

from markupsafe import Markup


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

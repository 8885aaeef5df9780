"""QR codes as inline SVG (segno), for printed invitation sheets and participant cards."""

from __future__ import annotations

import segno
from markupsafe import Markup


def qr_svg(data: str, scale: int = 4, title: str | None = None) -> Markup:
    """An inline ``<svg>`` of a QR code for ``data``; medium error correction survives a smudge."""
    code = segno.make(data, error="m", micro=False)
    # no fixed size: the viewBox lets the stylesheet size it for screen and paper
    svg = code.svg_inline(scale=scale, dark="#1d2428", light="#ffffff", border=2, omitsize=True,
                          title=title, svgclass="qr", lineclass=None)
    return Markup(svg)

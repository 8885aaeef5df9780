"""surveyapp: survey collection and analysis for Swedish labour-market projects."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .app import create_app

__all__ = ["create_app"]


def __getattr__(name: str):
    # the factory is imported on first use, so ``surveyapp --help`` need not load Flask's extensions
    if name == "create_app":
        from .app import create_app

        return create_app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

"""surveyapp: survey collection and analysis for Swedish labour-market projects."""

from .app import create_app

__all__ = ["create_app"]

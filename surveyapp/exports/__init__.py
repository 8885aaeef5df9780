"""Renderers of a :class:`~surveyapp.analysis.report.Report`; they never compute a statistic."""

"""Figures from answers: pure functions over pandas DataFrames. No Flask, no SQL.

:func:`report.build_report` turns an :class:`data.AnswerData` into a :class:`report.Report`
that the page, the JSON and the Excel file all render.
"""

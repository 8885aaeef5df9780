"""``surveyapp questionnaires``: checking the questionnaire files."""

from __future__ import annotations

import sys
from pathlib import Path

import click
from flask import current_app

from ..questionnaire import QuestionnaireError, load_directory
from ..questionnaire.project import PROJECT_FILE, load_project


@click.group("questionnaires")
def group() -> None:
    """Questionnaire files."""


@group.command("check")
@click.argument("directory", required=False, type=click.Path(exists=True, file_okay=False))
def check(directory: str | None) -> None:
    """Validate every questionnaire file; exit 1 listing the problems."""
    directory = directory or current_app.config["QUESTIONNAIRE_DIR"]
    try:
        loaded = load_directory(Path(directory))
        project = load_project(Path(directory), {key: q for key, (q, _) in loaded.items()})
    except QuestionnaireError as exc:
        for problem in exc.problems:
            click.echo(problem, err=True)
        sys.exit(1)
    for key, (questionnaire, _) in sorted(loaded.items()):
        n = len(questionnaire.questions)
        click.echo(f"ok: {key} ({n} {'question' if n == 1 else 'questions'})")
    if project.total is not None:
        rows = sum(len(m.delmal) for m in project.projektmal)
        shape = f", {len(project.projektmal)} projektmål, {rows} delmål" if project.projektmal else ""
        click.echo(f"ok: {PROJECT_FILE} ({project.total} participants{shape})")

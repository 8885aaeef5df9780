"""The ``surveyapp`` command: a Flask CLI group, so every command runs inside the app."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup

from . import (
    audio,
    export,
    goals,
    organisations,
    participants,
    purge,
    questionnaires,
    reports,
    setup,
    users,
    worker,
)


def _create_app(*args, **kwargs) -> Flask:
    from ..app import create_app

    return create_app()


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False,
             load_dotenv=False, set_debug_flag=False)
def main() -> None:
    """surveyapp: survey collection and analysis."""


def register(app: Flask) -> None:
    app.cli.add_command(setup.init)
    app.cli.add_command(setup.demo_files)
    app.cli.add_command(organisations.group)
    app.cli.add_command(questionnaires.group)
    app.cli.add_command(users.group)
    app.cli.add_command(purge.command)
    app.cli.add_command(reports.import_)
    app.cli.add_command(reports.report)
    app.cli.add_command(audio.group)
    app.cli.add_command(participants.group)
    app.cli.add_command(goals.command)
    app.cli.add_command(goals.insatser_command)
    app.cli.add_command(worker.command)
    app.cli.add_command(export.command)

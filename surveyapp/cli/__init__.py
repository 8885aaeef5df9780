"""The ``surveyapp`` command: a Flask CLI group, so every command runs inside the app.

The group answers ``--help`` from the table below without building the app, and runs a command
in an app without the web pages (``create_app(web=False)``), importing only that command's
module: a command that does not compute never loads pandas or SciPy. ``run``, ``shell`` and
``routes`` (Flask's own) get the whole app.
"""

from __future__ import annotations

from importlib import import_module

import click
from flask import Flask
from flask.cli import FlaskGroup, ScriptInfo

#: every command of surveyapp's own: name → (module in this package, attribute, short help).
#: ``tests/test_cli_startup.py`` checks the help against the commands themselves.
COMMANDS: dict[str, tuple[str, str, str]] = {
    "init": ("setup", "init",
             "Create or upgrade the database and load the questionnaire files (safe to repeat)."),
    "demo-files": ("setup", "demo_files",
                   "Write the demo project's import files (what init --demo loads) to DIRECTORY."),
    "organisations": ("organisations", "group", "Manage organisations."),
    "projects": ("projects", "group", "Projects and their set-up (the project file's format)."),
    "questionnaires": ("questionnaires", "group", "Questionnaire files."),
    "users": ("users", "group", "Manage staff accounts."),
    "purge": ("purge", "command", "Delete responses and their answers (logged in the audit log)."),
    "import": ("reports", "import_",
               "Import answers from a CSV or XLSX file: every row valid, or nothing is stored."),
    "report": ("reports", "report",
               "Figures of a questionnaire as JSON (--json) and/or an Excel summary (--xlsx FILE)."),
    "audio": ("audio", "group", "Read-aloud recordings."),
    "participants": ("participants", "group",
                     "The participant register (codes, kommun, dates, kön, ålder, födelseregion)."),
    "goals": ("goals", "command",
              "The project's goal table: participants against targets, reach and every goal."),
    "insatser": ("goals", "insatser_command",
                 "Insatser as JSON: the share of participants per insats, per kommun and per kön, and the "
                 "exit outcome (arbete, studier or arbetssökande) with and without each insats, with a "
                 "chi-square test."),
    "worker": ("worker", "command", "Run background jobs (Excel exports) from the Redis queue."),
    "export": ("export", "command",
               "Write the answers of QUESTIONNAIRE to FILE for an evaluator (SPSS .sav, Stata .dta or CSV), "
               "with a codebook beside it (FILE-kodbok.xlsx and FILE-kodbok.txt)."),
    "backup": ("backup", "backup", "Write the whole database (recordings and job files included) to FILE."),
    "restore": ("backup", "restore", "Read a file written by surveyapp backup into an empty database."),
}


def command_named(name: str) -> click.Command:
    module, attribute, _ = COMMANDS[name]
    return getattr(import_module(f"{__name__}.{module}"), attribute)


def _create_app(*args, **kwargs) -> Flask:
    from ..app import create_app

    return create_app()


def _create_command_app() -> Flask:
    from ..app import create_app

    return create_app(web=False)


class SurveyappGroup(FlaskGroup):
    """Flask's group, with surveyapp's commands found by name rather than by building the app."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super(FlaskGroup, self).list_commands(ctx), *COMMANDS})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name not in COMMANDS:
            return super().get_command(ctx, name)
        info = ctx.ensure_object(ScriptInfo)
        if info._loaded_app is None:
            info.create_app = _create_command_app
        ctx.with_resource(info.load_app().app_context())
        return command_named(name)

    def invoke(self, ctx: click.Context):
        """A database that cannot be reached, or lacks the tables, is one line, not a traceback."""
        from sqlalchemy.exc import OperationalError, ProgrammingError

        try:
            return super().invoke(ctx)
        except (OperationalError, ProgrammingError) as exc:
            from .database import explain

            raise click.ClickException(explain(exc)) from None

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, help_) for name, (_, _, help_) in COMMANDS.items()]
        for name in super(FlaskGroup, self).list_commands(ctx):
            command = super(FlaskGroup, self).get_command(ctx, name)
            if command is not None and not command.hidden:
                rows.append((name, command.get_short_help_str(limit=formatter.width - 6 - len(name))))
        with formatter.section("Commands"):
            formatter.write_dl(sorted(rows))


@click.group(cls=SurveyappGroup, create_app=_create_app, add_version_option=False,
             load_dotenv=False, set_debug_flag=False)
def main() -> None:
    """surveyapp: survey collection and analysis.

    Settings come from the environment, or from an environment file given with --env-file
    (the one the server's service units read).
    """


def register(app: Flask) -> None:
    """Every command on ``app.cli`` too (the test runner and ``flask`` find them there)."""
    for name in COMMANDS:
        app.cli.add_command(command_named(name), name)

"""``surveyapp init``: create or upgrade the database and load the questionnaires."""

from __future__ import annotations

import click
from flask import current_app
from sqlalchemy import select

from ..extensions import db
from ..questionnaire import QuestionnaireError
from ..services.organisations import add_organisations
from ..services.questionnaires import definition_of, sync_questionnaires
from ..services.rounds import get_or_create_link, get_or_create_round
from .common import site_link

DEMO_KOMMUNER = ("Mariestad", "Skövde", "Lidköping", "Falköping", "Töreboda", "Gullspång")
DEMO_REGION = "Västra Götalandsregionen"
DEMO_ROUND = "Mättillfälle 1"
#: demo logins: role, e-mail, password, organisation (samordnare only)
DEMO_ACCOUNTS = (
    ("admin", "admin@demo.example", "demo-admin-2026", None),
    ("projektledning", "projektledning@demo.example", "demo-projekt-2026", None),
    ("samordnare", "samordnare.mariestad@demo.example", "demo-mariestad-2026", "Mariestad"),
    ("styrgrupp", "styrgrupp@demo.example", "demo-styrgrupp-2026", None),
)
#: the demo samordnare's PIN for leaving kiosk mode
DEMO_PIN = "2468"


@click.command("init")
@click.option("--demo", is_flag=True,
              help="Also add demo organisations, one open round per questionnaire, demo logins and the "
                   "demo project's register and answers.")
def init(demo: bool) -> None:
    """Create or upgrade the database and load the questionnaire files (safe to repeat)."""
    from flask_migrate import upgrade

    from ..app import register_migrations

    app = current_app._get_current_object()
    register_migrations(app)
    upgrade(directory=app.extensions["migrate"].directory)
    try:
        versions = sync_questionnaires(current_app.config["QUESTIONNAIRE_DIR"])
    except QuestionnaireError as exc:
        raise click.ClickException("\n".join(exc.problems)) from exc
    click.echo(f"Questionnaires loaded: {', '.join(sorted(versions))}")
    from ..services.projects import adopt_project_file, all_projects, current_setup

    try:  # an upgraded installation's project takes the project file as its first set-up
        adopt_project_file(current_app.config["QUESTIONNAIRE_DIR"],
                           {key: definition_of(v) for key, v in versions.items()})
    except QuestionnaireError as exc:
        raise click.ClickException("\n".join(exc.problems)) from exc
    if demo:
        from ..models import Project

        first_project = db.session.scalar(select(Project).order_by(Project.id))
        kommuner = add_organisations(DEMO_KOMMUNER, "kommun")
        add_organisations([DEMO_REGION], "region")
        first = kommuner[0][0]
        click.echo(f"Demo organisations: {', '.join(DEMO_KOMMUNER)}, {DEMO_REGION}")
        click.echo(f"Answering links ({first.name}):")
        for key in sorted(versions):
            round_, _ = get_or_create_round(key, DEMO_ROUND, first_project.id)
            if definition_of(versions[key]).answered_through_links:
                link = get_or_create_link(round_, first)
                click.echo(f"  {key:18} {site_link('/s/' + link.token)}")
            else:
                click.echo(f"  {key:18} (no link: filled in on a participant's page, "
                           f"{site_link('/staff/deltagare')})")
        from ..services.demo import second_project

        second = second_project()
        _demo_accounts()
        _demo_data(first_project.id, second)
    click.echo("Projects: " + ", ".join(
        f"{p.name} (set-up version {s.version if (s := current_setup(p.id)) else '-'})"
        for p in all_projects()))
    db.session.commit()


def _demo_data(project_id: int, second) -> None:
    """The demo projects' register, insatser and answers, loaded as imports would load them.
    What came before is committed first, so a refused demo file leaves the rest in place."""
    from ..services.demo import load_demo, load_second_project
    from ..services.imports import ImportFailed

    db.session.commit()
    try:
        summary = load_demo(project_id)
        load_second_project(second)
    except ImportFailed as exc:  # a database holding other data under the demo's codes
        db.session.rollback()
        raise click.ClickException(
            f"the demo project was not loaded (start from an empty database to load it):\n{exc}") from exc
    click.echo(f"Demo project: {summary.participants} participants in the register "
               f"({summary.ended} ended), {summary.insatser} insatser")
    click.echo("Answers stored: " + ", ".join(f"{key} {n}" for key, n in summary.answers.items()))
    click.echo(f"Second demo project: {second.name} (Mariestad and Skövde)")


def _demo_accounts() -> None:
    """One login per role; existing demo accounts are left as they are."""
    from ..services.accounts import create_account, find_account, set_pin
    from ..services.organisations import find_organisation

    click.echo(f"Demo logins ({site_link('/login')}):")
    from ..models import Project

    projects = list(db.session.scalars(select(Project).order_by(Project.id)))
    for role, email, password, organisation in DEMO_ACCOUNTS:
        if find_account(email) is None:
            account = create_account(
                email, role, [find_organisation(organisation)] if organisation else [], password=password,
                projects=projects,  # every demo login works in both projects
            )
            if role == "samordnare":
                set_pin(account, DEMO_PIN)
        pin = f"  (kiosk PIN {DEMO_PIN})" if role == "samordnare" else ""
        click.echo(f"  {role:15} {email:36} {password}{pin}")


@click.command("demo-files")
@click.argument("directory", type=click.Path(file_okay=False, writable=True))
def demo_files(directory: str) -> None:
    """Write the demo project's import files (what init --demo loads) to DIRECTORY."""
    from pathlib import Path

    from ..demo import write_demo_files

    for path, rows in write_demo_files(Path(directory)).items():
        click.echo(f"wrote {path} ({rows} rows)")

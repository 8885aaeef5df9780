"""``surveyapp purge``: delete answers of a round or older than a number of days."""

from __future__ import annotations

import click

from ..extensions import db
from ..services.audit import record_audit
from ..services.purge import purge, purge_counts
from ..services.register import expired_entries, purge_register
from .common import command_scope, project_option


@click.command("purge")
@click.option("--round", "round_names", multiple=True, metavar="NAME",
              help="Delete the answers of this round (repeat for several).")
@click.option("--questionnaire", metavar="KEY", help="Only rounds of this questionnaire.")
@click.option("--older-than", "older_than", type=click.IntRange(min=0), metavar="DAYS",
              help="Delete answers submitted more than DAYS days ago.")
@click.option("--dry-run", is_flag=True, help="Only print what would be deleted.")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@project_option
def command(round_names: tuple[str, ...], questionnaire: str | None, older_than: int | None,
            dry_run: bool, yes: bool, project_name: str | None = None) -> None:
    """Delete responses and their answers (logged in the audit log)."""
    if not round_names and older_than is None:
        raise click.UsageError("name a round (--round NAME) or an age (--older-than DAYS)")
    project_id = command_scope(project_name).project_id
    counts = purge_counts(round_names, questionnaire, older_than, project_id=project_id)
    total = sum(c.responses for c in counts)
    for c in counts:
        click.echo(f"{c.questionnaire_key}\t{c.round_name}\t{c.responses} responses\t{c.answers} answers")
    click.echo(f"total: {total} responses, {sum(c.answers for c in counts)} answers")
    if older_than is not None and dry_run:
        # entries whose answers this purge removes are counted once those are gone
        expired = len(expired_entries(older_than, project_id=project_id))
        click.echo(f"participant register: entries ended more than {older_than} days ago are deleted "
                   f"once no answer carries their code ({expired} now)")
    if dry_run or (total == 0 and older_than is None):
        if dry_run:
            click.echo("dry run: nothing deleted")
        return
    if not yes:
        click.confirm(f"Delete {total} responses for good?", abort=True)
    deleted = purge(round_names, questionnaire, older_than, project_id=project_id)
    what = []
    if round_names:
        what.append("rounds: " + ", ".join(round_names))
    if questionnaire:
        what.append(f"questionnaire: {questionnaire}")
    if older_than is not None:
        what.append(f"older than {older_than} days")
    register = purge_register(older_than, project_id=project_id) if older_than is not None else 0
    record_audit(None, "purge", f"{'; '.join(what)} – {sum(c.responses for c in deleted)} responses"
                 + (f", {register} register entries" if register else ""))
    db.session.commit()
    click.echo(f"deleted: {sum(c.responses for c in deleted)} responses")
    if register:
        click.echo(f"deleted: {register} participant register entries")

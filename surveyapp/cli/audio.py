"""``surveyapp audio``: read-aloud coverage, and moving recordings between servers."""

from __future__ import annotations

import json
import sys
from dataclasses import asdict
from pathlib import Path

import click

from ..extensions import db
from ..i18n import available_languages
from ..services.audit import record_audit
from ..services.questionnaires import current_versions, definition_of
from ..services.recordings import RecordingError, coverage, export_recordings, import_recordings


@click.group("audio")
def group() -> None:
    """Read-aloud recordings."""


@group.command("status")
@click.argument("questionnaire", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print JSON: {QUESTIONNAIRE: {LANG: {...}}}.")
def status(questionnaire: str | None, as_json: bool) -> None:
    """How many texts of each questionnaire are recorded per language it is offered in, and how
    many are stale."""
    versions = current_versions()
    if questionnaire and questionnaire not in versions:
        raise click.UsageError(f"no questionnaire {questionnaire!r}")
    keys = [questionnaire] if questionnaire else sorted(versions)
    found = {key: definition_of(versions[key]) for key in keys}
    found = {key: q for key, q in found.items() if q.answered_through_links}
    result = {}
    for key, definition in found.items():
        result[key] = {}
        for lang in available_languages(definition):
            item = asdict(coverage(definition, lang))
            item.pop("language")
            item["stale_texts"] = list(item["stale_texts"])
            result[key][lang] = item
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    for key, languages in result.items():
        click.echo(key)
        for lang, item in languages.items():
            click.echo(f"  {lang}: {item['recorded']} of {item['total']} texts recorded, "
                       f"{item['stale']} stale, {item['drafts']} drafts")


@group.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def export(directory: Path) -> None:
    """Write every recording (drafts too) and recordings.json to DIRECTORY."""
    count = export_recordings(directory)
    click.echo(f"exported {count} recordings to {directory}")


@group.command("import")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
def import_(directory: Path) -> None:
    """Read recordings written by ``audio export``; all or nothing."""
    try:
        count = import_recordings(directory)
    except RecordingError as exc:
        db.session.rollback()
        click.echo(f"nothing imported: {exc}", err=True)
        sys.exit(1)
    record_audit(None, "recording.import", f"{directory.name}: {count}")
    db.session.commit()
    click.echo(f"imported {count} recordings")

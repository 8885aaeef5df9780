"""``surveyapp questionnaires``: checking the questionnaire files, XLSForm import and export."""

from __future__ import annotations

import json
import os
import sys
from dataclasses import asdict
from pathlib import Path

import click
import yaml
from flask import current_app
from sqlalchemy.exc import SQLAlchemyError
from xlsxwriter.exceptions import XlsxFileError

from ..extensions import db
from ..i18n import LANGUAGES
from ..questionnaire import Questionnaire, QuestionnaireError, load_directory, load_file
from ..questionnaire.extract import respondent_texts
from ..questionnaire.loader import load_fragments, picture_problems
from ..questionnaire.project import PROJECT_FILE, load_project
from ..questionnaire.xlsform import check_xlsform, locate, read_xlsform
from ..services.questionnaires import (
    CheckedForm,
    changed_codes,
    check_xlsform_file,
    current_version,
    current_versions,
    definition_of,
    publish_questionnaire,
    write_questionnaire_xlsform,
)
from ..services.texts import SOURCE_LANGUAGE, import_translations, text_status


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


def _fail(problems: list[str]) -> None:
    for problem in problems:
        click.echo(problem, err=True)
    sys.exit(1)


#: the order keys are written in, as in the shipped files
_ORDER = ("key", "title", "respondent", "paired", "participant_code", "intro", "roles", "include",
          "type", "required", "text", "help", "show_if", "rows", "options", "code", "label",
          "picture", "not_applicable", "positive", "max_length", "minimum", "maximum", "questions",
          "goals")


def _in_file_order(value):
    if isinstance(value, dict):
        rank = {name: index for index, name in enumerate(_ORDER)}
        return {k: _in_file_order(value[k]) for k in sorted(value, key=lambda k: rank.get(k, len(rank)))}
    if isinstance(value, list):
        return [_in_file_order(v) for v in value]
    return value


@group.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--to", "directory", type=click.Path(exists=True, file_okay=False),
              help="The questionnaire folder to write into (default: QUESTIONNAIRE_DIR).")
@click.option("--replace", is_flag=True, help="Replace a questionnaire with the same key.")
def import_(file: str, directory: str | None, replace: bool) -> None:
    """Read an XLSForm spreadsheet and write it as a questionnaire file; nothing on any problem.

    Written into QUESTIONNAIRE_DIR, it is published at once: its version becomes the current one.
    """
    folder = Path(directory or current_app.config["QUESTIONNAIRE_DIR"])
    publishing = folder.resolve() == Path(current_app.config["QUESTIONNAIRE_DIR"]).resolve()
    path = Path(file)
    problems: list[str] = []
    earlier: list[Questionnaire] = []
    try:
        form = read_xlsform(path, LANGUAGES)
        key = form.definition.get("key") or ""
        target = folder / f"{key}.yaml"
        if target.exists():
            if not replace:
                problems.append(f"{path.name}: questionnaire {key} exists in {folder}; "
                                "add --replace to replace it")
            earlier.append(load_file(target, load_fragments(folder))[0])
        checked = _checked(path, folder, earlier, publishing)
    except QuestionnaireError as exc:
        _fail(problems + exc.problems)
    if problems:
        _fail(problems)
    questionnaire = checked.questionnaire
    text = yaml.safe_dump(_in_file_order(checked.form.definition), allow_unicode=True, sort_keys=False,
                          width=100)
    partial = target.with_name(f".{target.name}.{os.getpid()}")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, target)
    click.echo(f"ok: {questionnaire.key} ({len(questionnaire.questions)} questions) written to {target}")
    published = False
    if publishing:
        try:
            version = publish_questionnaire(checked, "file", path.name)
            db.session.commit()
        except SQLAlchemyError:  # no database yet: `surveyapp init` loads the file
            db.session.rollback()
            click.echo(f"{questionnaire.key}: not published (no database); surveyapp init loads it")
        else:
            published = True
            click.echo(f"published: {questionnaire.key} version {version.id} is the current one")
    texts = respondent_texts(questionnaire)
    stored = None if published else _store_translations(questionnaire, checked.form.translations,
                                                        path.name)
    for language in LANGUAGES:
        if language == SOURCE_LANGUAGE:
            continue
        done = len(texts & checked.form.translations.get(language, {}).keys())
        where = ("stored with the published version" if published
                 else "not stored: no database" if stored is None
                 else f"{stored.get(language, 0)} added or changed")
        click.echo(f"{language}: {done} of {len(texts)} texts translated in the spreadsheet ({where})")


def _store_translations(questionnaire: Questionnaire, translations: dict[str, dict[str, str]],
                        source: str) -> dict[str, int] | None:
    """The spreadsheet's translations stored with the questionnaire, committed; None when there
    is no database to store them in."""
    try:
        stored = import_translations(questionnaire, translations, source)
        db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        return None
    return stored


@group.command("status")
@click.argument("questionnaire", required=False)
@click.option("--json", "as_json", is_flag=True,
              help="Print JSON: {QUESTIONNAIRE: {LANG: {texts, translated, reviewed, recorded, "
                   "stale, ...}}}.")
def status(questionnaire: str | None, as_json: bool) -> None:
    """Per questionnaire and language: texts, translated, reviewed, recorded, stale (texts whose
    Swedish words changed since they were translated) and whether the language is offered."""
    versions = current_versions()
    if questionnaire and questionnaire not in versions:
        raise click.UsageError(f"no questionnaire {questionnaire!r}")
    keys = [questionnaire] if questionnaire else sorted(versions)
    result = {}
    for key in keys:
        definition = definition_of(versions[key])
        result[key] = {lang: asdict(text_status(definition, lang)) for lang in LANGUAGES
                       if lang != SOURCE_LANGUAGE}
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    for key, languages in result.items():
        click.echo(key)
        for lang, item in languages.items():
            recorded = ("" if item["recorded"] is None
                        else f", {item['recorded']} of {item['spoken']} spoken texts recorded")
            click.echo(f"  {lang}: {item['translated']} of {item['texts']} translated, "
                       f"{item['reviewed']} reviewed, {item['stale']} stale{recorded}"
                       f"{'' if item['offered'] else ' (not offered)'}")


def _checked(path: Path, folder: Path, earlier: list[Questionnaire], publishing: bool) -> CheckedForm:
    """The spreadsheet checked as the Enkäter page checks it; against the current version too
    when it is published (written into QUESTIONNAIRE_DIR) and a database answers."""
    if publishing:
        try:
            return check_xlsform_file(path, folder, earlier)
        except SQLAlchemyError:
            db.session.rollback()
    form = read_xlsform(path, LANGUAGES)
    questionnaire, definition = check_xlsform(form, load_fragments(folder), path.name)
    problems = [locate(problem, questionnaire.source, form.rows)
                for problem in picture_problems(questionnaire, folder / "pictures")]
    for old in earlier:
        problems += changed_codes(old, questionnaire, form.rows)
    if problems:
        raise QuestionnaireError(problems)
    return CheckedForm(form, questionnaire, definition, None)


@group.command("export")
@click.argument("key")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
def export(key: str, file: str) -> None:
    """Write questionnaire KEY's current version as an XLSForm spreadsheet, with its translations."""
    folder = Path(current_app.config["QUESTIONNAIRE_DIR"])
    try:
        load_fragments(folder)
        try:
            version = current_version(key)
        except SQLAlchemyError:  # no database yet: the files are the current version
            db.session.rollback()
            version = None
        if version is not None:
            definition = version.definition
        else:
            loaded = load_directory(folder)
            if key not in loaded:
                _fail([f"no questionnaire {key!r}"])
            definition = loaded[key][1]
    except QuestionnaireError as exc:
        _fail(exc.problems)
    try:
        write_questionnaire_xlsform(definition, Path(file), folder,
                                    current_app.config["BABEL_TRANSLATION_DIRECTORIES"])
    except (OSError, XlsxFileError) as exc:
        _fail([f"{file}: cannot be written: {exc}"])
    click.echo(f"ok: {key} written to {file}")

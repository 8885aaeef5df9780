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
from ..questionnaire.xlsform import check_xlsform, locate, read_xlsform, write_xlsform
from ..services.questionnaires import current_version, current_versions, definition_of
from ..services.texts import SOURCE_LANGUAGE, import_translations, source_translations, text_status
from ..translations import questionnaire_translations


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


def _changed_codes(old: Questionnaire, new: Questionnaire, rows: dict[str, str]) -> list[str]:
    """An existing question's answers keep their meaning only while its codes stay."""
    problems = []
    for question in new.questions:
        try:
            before = old.question(question.key)
        except KeyError:
            continue
        where = rows.get(question.key, "survey")
        gone = [c for c in before.option_codes if c not in question.option_codes]
        if gone:
            problems.append(f"{where}: {question.key}: option code {', '.join(gone)} changed or "
                            "removed under an existing question key; give the question a new key")
        gone_rows = [r.key for r in before.rows if r.key not in {r.key for r in question.rows}]
        if gone_rows:
            problems.append(f"{where}: {question.key}: row {', '.join(gone_rows)} changed or removed "
                            "under an existing question key; give the question a new key")
    return problems


#: the order keys are written in, as in the shipped files
_ORDER = ("key", "title", "respondent", "paired", "participant_code", "intro", "roles", "include",
          "type", "required", "text", "help", "show_if", "rows", "options", "code", "label",
          "picture", "not_applicable", "positive", "max_length", "questions", "goals")


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
    """Read an XLSForm spreadsheet and write it as a questionnaire file; nothing on any problem."""
    folder = Path(directory or current_app.config["QUESTIONNAIRE_DIR"])
    path = Path(file)
    try:
        form = read_xlsform(path, LANGUAGES)
        fragments = load_fragments(folder)
        questionnaire, _ = check_xlsform(form, fragments, path.name)
    except QuestionnaireError as exc:
        _fail(exc.problems)
    problems = [locate(problem, questionnaire.source, form.rows)
                for problem in picture_problems(questionnaire, folder / "pictures")]
    target = folder / f"{questionnaire.key}.yaml"
    if target.exists():
        if not replace:
            problems.append(f"{path.name}: questionnaire {questionnaire.key} exists in {folder}; "
                            "add --replace to replace it")
        else:
            try:
                old, _ = load_file(target, fragments)
            except QuestionnaireError as exc:
                problems += exc.problems
            else:
                problems += _changed_codes(old, questionnaire, form.rows)
    if problems:
        _fail(problems)
    text = yaml.safe_dump(_in_file_order(form.definition), allow_unicode=True, sort_keys=False,
                          width=100)
    partial = target.with_name(f".{target.name}.{os.getpid()}")
    partial.write_text(text, encoding="utf-8")
    os.replace(partial, target)
    click.echo(f"ok: {questionnaire.key} ({len(questionnaire.questions)} questions) written to {target}")
    texts = respondent_texts(questionnaire)
    stored = _store_translations(questionnaire, form.translations, path.name)
    for language in LANGUAGES:
        if language == SOURCE_LANGUAGE:
            continue
        done = len(texts & form.translations.get(language, {}).keys())
        where = ("not stored: no database" if stored is None
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


@group.command("export")
@click.argument("key")
@click.argument("file", type=click.Path(dir_okay=False, writable=True))
def export(key: str, file: str) -> None:
    """Write questionnaire KEY's current version as an XLSForm spreadsheet, with its translations."""
    folder = Path(current_app.config["QUESTIONNAIRE_DIR"])
    try:
        fragments = load_fragments(folder)
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
    if version is not None:
        translations = source_translations(definition_of(version), LANGUAGES)
    else:
        translations = questionnaire_translations(current_app.config["BABEL_TRANSLATION_DIRECTORIES"])
    try:
        write_xlsform(definition, Path(file), translations, LANGUAGES, fragments)
    except (OSError, XlsxFileError) as exc:
        _fail([f"{file}: cannot be written: {exc}"])
    click.echo(f"ok: {key} written to {file}")

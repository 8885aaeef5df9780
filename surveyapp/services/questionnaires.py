"""The stored questionnaire versions: kept in step with the files in questionnaires/, and
published from XLSForm spreadsheets (the Enkäter page and ``surveyapp questionnaires import``)."""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import SQLAlchemyError

from ..extensions import db
from ..i18n import LANGUAGES
from ..models import Account, QuestionnaireUpload, QuestionnaireVersion, Response
from ..models._time import utcnow
from ..questionnaire import Question, Questionnaire, QuestionnaireError, load_directory
from ..questionnaire.loader import build, content_hash, load_fragments, picture_problems
from ..questionnaire.xlsform import XLSForm, check_xlsform, locate, read_xlsform, write_xlsform

#: an upload on the Enkäter page waits this long for its publishing
UPLOAD_HOURS = 24


def sync_questionnaires(directory: str | Path) -> dict[str, QuestionnaireVersion]:
    """Stores a new version for every file whose content changed; returns the current ones.

    A file's content becomes the current version, except that a version published on the
    Enkäter page stays current while the file holds a content stored before (the file has not
    changed since): ``surveyapp init`` after an upgrade does not undo a publishing.

    Every text of the current versions that has no translation yet gets the one the shipped
    catalogs hold (``translations/``), so what the catalogs translate is offered."""
    from flask import current_app

    from .texts import seed_from_catalogs

    current = {}
    for key, (_, definition) in load_directory(Path(directory)).items():
        known = db.session.scalar(select(QuestionnaireVersion).filter_by(
            questionnaire_key=key, content_hash=content_hash(definition)))
        published = current_version(key)
        if known is not None and published is not None and published.source == "upload":
            current[key] = published
            continue
        current[key] = store_version(key, definition, "file")
    db.session.flush()
    seed_from_catalogs({key: definition_of(v) for key, v in current.items()},
                       current_app.config["BABEL_TRANSLATION_DIRECTORIES"])
    return current


def store_version(key: str, definition: dict, source: str) -> QuestionnaireVersion:
    """Makes ``definition`` questionnaire ``key``'s current version: a new one unless the same
    definition is stored already (a version never changes). Flushes; the caller commits."""
    digest = content_hash(definition)
    version = db.session.scalar(
        select(QuestionnaireVersion).filter_by(questionnaire_key=key, content_hash=digest)
    )
    db.session.execute(
        update(QuestionnaireVersion)
        .where(QuestionnaireVersion.questionnaire_key == key)
        .values(is_current=False)
    )
    if version is None:
        version = QuestionnaireVersion(
            questionnaire_key=key, content_hash=digest, definition=definition, source=source
        )
        db.session.add(version)
    elif source == "upload":
        version.source = source
    version.is_current = True
    db.session.flush()
    return version


def changed_codes(old: Questionnaire, new: Questionnaire, rows: dict[str, str]) -> list[str]:
    """An existing question's answers keep their meaning only while its codes stay."""
    problems = []
    for question in new.questions:
        try:
            before = old.question(question.key)
        except KeyError:
            continue
        where = rows.get(question.key, "survey")
        if _stored_as(before) != _stored_as(question):
            problems.append(f"{where}: {question.key}: the type changed from {before.type} to "
                            f"{question.type} under an existing question key; give the question a new key")
            continue
        gone = [c for c in before.option_codes if c not in question.option_codes]
        if gone:
            problems.append(f"{where}: {question.key}: option code {', '.join(gone)} changed or "
                            "removed under an existing question key; give the question a new key")
        gone_rows = [r.key for r in before.rows if r.key not in {r.key for r in question.rows}]
        if gone_rows:
            problems.append(f"{where}: {question.key}: row {', '.join(gone_rows)} changed or removed "
                            "under an existing question key; give the question a new key")
    return problems


def _stored_as(question: Question) -> str:
    """What a question's answers hold: option codes, a number or a text."""
    return question.type if question.type in ("text", "integer") else "codes"


@dataclass
class CheckedForm:
    """An XLSForm spreadsheet that passed every check: what publishing it stores."""

    form: XLSForm
    questionnaire: Questionnaire
    #: the resolved definition, as a version holds it
    definition: dict
    #: the questionnaire's current version, which publishing replaces (None: a new questionnaire)
    current: QuestionnaireVersion | None

    @property
    def unchanged(self) -> bool:
        """Whether the spreadsheet holds exactly the current version."""
        return self.current is not None and self.current.content_hash == content_hash(self.definition)


def check_xlsform_file(path: Path, folder: Path, earlier: Sequence[Questionnaire] = ()) -> CheckedForm:
    """Reads and checks a spreadsheet as publishing it would; raises :class:`QuestionnaireError`
    naming every problem by sheet, row and column. An option code or matrix row of the current
    version (or of ``earlier``) that changed or went under the same question key is a problem:
    answers already given carry those codes. ``folder`` holds the fragments and pictures."""
    form = read_xlsform(path, LANGUAGES)
    questionnaire, definition = check_xlsform(form, load_fragments(folder), path.name)
    problems = [locate(problem, questionnaire.source, form.rows)
                for problem in picture_problems(questionnaire, folder / "pictures")]
    current = current_version(questionnaire.key)
    for old in ([definition_of(current)] if current is not None else []) + list(earlier):
        problems += [p for p in changed_codes(old, questionnaire, form.rows) if p not in problems]
    if problems:
        raise QuestionnaireError(problems)
    return CheckedForm(form, questionnaire, definition, current)


def publish_questionnaire(checked: CheckedForm, source: str, name: str = "") -> QuestionnaireVersion:
    """Publishes a checked spreadsheet: its definition becomes the questionnaire's current,
    immutable version, the one new answers use; answers given before keep theirs. The one way a
    spreadsheet becomes a version, from the Enkäter page (``source`` "upload") and from the
    command line ("file"). The spreadsheet's translations are stored with the questionnaire
    (:func:`texts.import_translations`; ``name``: the file's, for the audit log). Flushes."""
    from .texts import import_translations

    version = store_version(checked.questionnaire.key, checked.definition, source)
    import_translations(checked.questionnaire, checked.form.translations,
                        name or checked.questionnaire.key)
    db.session.flush()
    return version


def version_counts() -> dict[str, tuple[int, int]]:
    """Per questionnaire key: how many versions are stored and how many answers were given."""
    versions = dict(db.session.execute(
        select(QuestionnaireVersion.questionnaire_key, func.count()).group_by(
            QuestionnaireVersion.questionnaire_key)).all())
    answers = dict(db.session.execute(
        select(QuestionnaireVersion.questionnaire_key, func.count(Response.id))
        .join(Response, Response.version_id == QuestionnaireVersion.id)
        .group_by(QuestionnaireVersion.questionnaire_key)).all())
    return {key: (n, answers.get(key, 0)) for key, n in versions.items()}


def write_questionnaire_xlsform(definition: dict, path: Path, folder: Path, catalogs: str | Path) -> None:
    """Writes a stored definition as an XLSForm spreadsheet, with one text column per language
    filled with the translations stored with the questionnaire, or from the questionnaire
    catalogs where no database answers (the Enkäter page's download and the command line's
    export)."""
    from ..translations import questionnaire_translations
    from .texts import source_translations

    try:
        translations = source_translations(build(definition, definition.get("key", "")), LANGUAGES)
    except SQLAlchemyError:
        db.session.rollback()
        translations = questionnaire_translations(catalogs)
    write_xlsform(definition, path, translations, LANGUAGES, load_fragments(folder))


@dataclass(frozen=True)
class OptionChange:
    """A question whose answer alternatives differ from the version before, in a later version."""

    question: str
    version: int
    loaded_at: datetime
    #: codes the later version added, and codes it kept under another label
    added: tuple[str, ...]
    relabelled: tuple[str, ...]
    #: codes the later version no longer offers (a file changed by hand: answers keep them)
    removed: tuple[str, ...] = ()


def option_changes(key: str) -> list[OptionChange]:
    """Where the answer alternatives changed between the versions answers were given in (and
    the current one): reports count a question by its key over every version, so a report says
    where the alternatives behind its figures differ."""
    stored = db.session.scalar(select(func.count()).select_from(QuestionnaireVersion)
                               .where(QuestionnaireVersion.questionnaire_key == key))
    if stored < 2:
        return []
    answered = select(Response.version_id).where(Response.version_id == QuestionnaireVersion.id).exists()
    versions = db.session.scalars(
        select(QuestionnaireVersion).filter_by(questionnaire_key=key)
        .where(answered | QuestionnaireVersion.is_current)
        .order_by(QuestionnaireVersion.id)).all()
    changes = []
    for before, after in zip(versions, versions[1:], strict=False):
        if before.content_hash == after.content_hash:
            continue
        old = definition_of(before)
        for question in definition_of(after).questions:
            try:
                earlier = old.question(question.key)
            except KeyError:
                continue
            labels = {o.code: o.label for o in earlier.options}
            added = tuple(o.code for o in question.options if o.code not in labels)
            relabelled = tuple(o.code for o in question.options
                               if o.code in labels and labels[o.code] != o.label)
            removed = tuple(code for code in labels if code not in question.option_codes)
            if added or relabelled or removed:
                changes.append(OptionChange(question.key, after.id, after.loaded_at, added, relabelled,
                                            removed))
    return changes


# uploads kept between the preview and the publishing

def keep_upload(account: Account, filename: str, content: bytes) -> QuestionnaireUpload:
    """Keeps an uploaded spreadsheet for its preview; uploads older than UPLOAD_HOURS go."""
    db.session.execute(delete(QuestionnaireUpload).where(
        QuestionnaireUpload.uploaded_at < utcnow() - timedelta(hours=UPLOAD_HOURS)))
    upload = QuestionnaireUpload(token=secrets.token_urlsafe(18), account_id=account.id,
                                 filename=filename, content=content)
    db.session.add(upload)
    db.session.flush()
    return upload


def kept_upload(token: str, account: Account) -> QuestionnaireUpload | None:
    """The account's own upload, while it waits; None for another account's or an old one."""
    upload = db.session.get(QuestionnaireUpload, token) if token else None
    if (upload is None or upload.account_id != account.id
            or upload.uploaded_at < utcnow() - timedelta(hours=UPLOAD_HOURS)):
        return None
    return upload


def current_version(key: str) -> QuestionnaireVersion | None:
    return db.session.scalar(
        select(QuestionnaireVersion).filter_by(questionnaire_key=key, is_current=True)
    )


def current_versions() -> dict[str, QuestionnaireVersion]:
    rows = db.session.scalars(select(QuestionnaireVersion).filter_by(is_current=True))
    return {v.questionnaire_key: v for v in rows}


#: built questionnaires by (version id, key, content hash); a version's definition never changes
_built: dict[tuple[int, str, str], Questionnaire] = {}
_built_lock = threading.Lock()


def definition_of(version: QuestionnaireVersion) -> Questionnaire:
    """The questionnaire of a stored version, built once per version and process."""
    cache_key = (version.id, version.questionnaire_key, version.content_hash)
    built = _built.get(cache_key)
    if built is None:
        source = f"{version.questionnaire_key} (version {version.id})"
        built = build(json.loads(json.dumps(version.definition)), source)
        with _built_lock:
            if len(_built) >= 256:
                _built.clear()
            _built[cache_key] = built
    return built

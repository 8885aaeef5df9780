"""Enkäter: the questionnaires with their versions, each as an XLSForm spreadsheet to download,
and a spreadsheet's upload: checked, previewed as participants would see it in each of its
languages, then published as a new version. For projektledning and admins."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from flask import abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.utils import secure_filename

from ...extensions import db
from ...i18n import LANGUAGES, available_languages, qtext
from ...models import Role
from ...questionnaire import QuestionnaireError
from ...questionnaire.extract import respondent_texts
from ...questionnaire.xlsform import MAX_BYTES
from ...services.audit import record_audit
from ...services.questionnaires import (
    CheckedForm,
    check_xlsform_file,
    current_versions,
    definition_of,
    keep_upload,
    kept_upload,
    publish_questionnaire,
    version_counts,
    write_questionnaire_xlsform,
)
from ...services.texts import import_translations
from ..access import roles_required
from ..input import allows_body
from ..survey.answering import render_preview
from . import blueprint
from .questionnaire_problems import problem_text

MANAGERS = (Role.ADMIN, Role.PROJEKTLEDNING)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _folder() -> Path:
    return Path(current_app.config["QUESTIONNAIRE_DIR"])


def _list_page(problems: list[str] | None = None, filename: str = "", status: int = 200):
    versions = current_versions()
    found = {key: definition_of(v) for key, v in sorted(versions.items())}
    return render_template(
        "staff/questionnaires.html", questionnaires=found, versions=versions, counts=version_counts(),
        titles={key: qtext(q.title) for key, q in found.items()},
        languages={key: available_languages(q) for key, q in found.items()},
        problems=[problem_text(p) for p in problems or ()], filename=filename, max_mb=MAX_BYTES // 2**20,
    ), status


@blueprint.get("/enkater")
@roles_required(*MANAGERS)
def questionnaires():
    return _list_page()


@blueprint.get("/enkater/<key>.xlsx")
@roles_required(*MANAGERS)
def questionnaire_download(key: str):
    """The current version as an XLSForm spreadsheet, written as ``questionnaires export`` writes it."""
    version = current_versions().get(key)
    if version is None:
        abort(404)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"{key}.xlsx"
        write_questionnaire_xlsform(version.definition, path, _folder(),
                                    current_app.config["BABEL_TRANSLATION_DIRECTORIES"])
        data = path.read_bytes()
    return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True, download_name=f"{key}.xlsx")


def _checked(filename: str, content: bytes) -> CheckedForm:
    """The spreadsheet checked from its bytes, under the name it was uploaded with."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / filename
        path.write_bytes(content)
        return check_xlsform_file(path, _folder())


@blueprint.post("/enkater/uppladdning")
@roles_required(*MANAGERS)
@allows_body(MAX_BYTES + 64 * 1024)
def questionnaire_upload():
    """Checks an uploaded spreadsheet: its problems on the page, nothing kept; else it is kept
    for its preview."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _list_page([_("Välj en fil (.xlsx) att ladda upp.")], status=422)
    filename = secure_filename(upload.filename) or "enkat.xlsx"
    if not filename.lower().endswith(".xlsx"):
        filename += ".xlsx"
    try:
        content = upload.read(MAX_BYTES + 1)
    finally:
        upload.close()
    try:
        _checked(filename, content)
    except QuestionnaireError as exc:
        return _list_page(exc.problems, upload.filename, status=422)
    kept = keep_upload(current_user, filename, content)
    db.session.commit()
    return redirect(url_for(".questionnaire_check", token=kept.token))


def _upload(token: str):
    upload = kept_upload(token, current_user)
    if upload is None:
        abort(404)
    return upload


@blueprint.get("/enkater/uppladdning/<token>")
@roles_required(*MANAGERS)
def questionnaire_check(token: str):
    """What publishing the kept spreadsheet would do, its preview in each language and the button."""
    upload = _upload(token)
    try:
        checked = _checked(upload.filename, upload.content)
    except QuestionnaireError as exc:  # the current version changed since the upload
        return _list_page(exc.problems, upload.filename, status=422)
    texts = respondent_texts(checked.questionnaire)
    translated = {code: len(texts & checked.form.translations.get(code, {}).keys())
                  for code in LANGUAGES if code != "sv"}
    return render_template("staff/questionnaire_upload.html", upload=upload, checked=checked,
                           questionnaire=checked.questionnaire, title=checked.questionnaire.title,
                           languages=_preview_languages(checked), translated=translated, total=len(texts),
                           counts=version_counts().get(checked.questionnaire.key, (0, 0)))


def _preview_languages(checked: CheckedForm) -> list[str]:
    """Swedish and every language the spreadsheet has a text in."""
    return ["sv"] + [code for code in LANGUAGES if code != "sv" and checked.form.translations.get(code)]


@blueprint.get("/enkater/uppladdning/<token>/<language>")
@roles_required(*MANAGERS)
def questionnaire_preview(token: str, language: str):
    """The participant's form of the kept spreadsheet in one of its languages; it cannot be sent."""
    upload = _upload(token)
    try:
        checked = _checked(upload.filename, upload.content)
    except QuestionnaireError:
        return redirect(url_for(".questionnaire_check", token=token))
    if language not in _preview_languages(checked):
        abort(404)
    back = url_for(".questionnaire_check", token=token)
    note = _("Förhandsvisning av %(file)s: så ser deltagarna formuläret. "
             "Det går inte att skicka svar härifrån.", file=upload.filename)
    return render_preview(checked.questionnaire, language, checked.form.translations.get(language, {}), back,
                          preview_note=note, preview_back=_("Tillbaka till uppladdningen"),
                          preview_lang=str(get_locale()))


@blueprint.post("/enkater/uppladdning/<token>/publicera")
@roles_required(*MANAGERS)
def questionnaire_publish(token: str):
    """Publishes the kept spreadsheet as the questionnaire's new current version, checked once
    more (the current version may have changed since the preview); a problem stores nothing."""
    upload = _upload(token)
    try:
        checked = _checked(upload.filename, upload.content)
    except QuestionnaireError as exc:
        return _list_page(exc.problems, upload.filename, status=422)
    key = checked.questionnaire.key
    if checked.unchanged:
        import_translations(checked.questionnaire, checked.form.translations, upload.filename)
        flash(_("%(key)s: filen är samma som den aktuella versionen; ingen ny version behövdes.", key=key))
    else:
        version = publish_questionnaire(checked, "upload", upload.filename)
        record_audit(current_user, "questionnaire.publish", f"{key} version {version.id} ({upload.filename})")
        flash(_("%(key)s: version %(version)s är publicerad. Nya svar ges i den; tidigare svar hör till "
                "versionen de gavs i.", key=key, version=version.id))
    db.session.delete(upload)
    db.session.commit()
    return redirect(url_for(".questionnaires"))

"""The Enkäter page: the questionnaires' versions, the XLSForm download, and an upload checked,
previewed and published as a new version."""

from __future__ import annotations

import io
import re
import secrets
import uuid
from pathlib import Path

from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.i18n import LANGUAGES
from surveyapp.models import AuditEvent, QuestionnaireUpload, QuestionnaireVersion, Response
from surveyapp.questionnaire.loader import load_fragments
from surveyapp.questionnaire.xlsform import check_xlsform, read_xlsform
from surveyapp.services.questionnaires import current_version
from tests import factories
from tests.factories import AVSLUTNINGSENKAT

ROOT = Path(__file__).resolve().parent.parent.parent
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
QUESTION = "Hur har du blivit bemött av din samordnare?"


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _manager(client):
    from surveyapp.services.accounts import find_account

    account = find_account("pl@example.se") or factories.user("pl@example.se", "projektledning")
    factories.login(client, account)


def _download(client, key: str, path: Path) -> Path:
    result = client.get(f"/staff/enkater/{key}.xlsx")
    assert result.status_code == 200
    assert result.headers["Content-Disposition"] == f"attachment; filename={key}.xlsx"
    path.write_bytes(result.data)
    return path


def _upload(client, path: Path, name: str | None = None, **extra):
    """Posts the file as a browser does (the body encoded in memory, however large)."""
    from werkzeug.datastructures import FileStorage
    from werkzeug.test import encode_multipart

    file = FileStorage(io.BytesIO(path.read_bytes()), name or path.name, content_type=XLSX)
    boundary, body = encode_multipart({"file": file, **extra})
    return client.post("/staff/enkater/uppladdning", data=body,
                       content_type=f"multipart/form-data; boundary={boundary}")


def _edited(client, tmp_path: Path, change) -> Path:
    """The avslutningsenkät downloaded, changed by ``change(workbook)`` and saved."""
    path = _download(client, "avslutningsenkat", tmp_path / "avslutningsenkat.xlsx")
    book = load_workbook(path)
    change(book)
    book.save(path)
    return path


def _reword(book) -> None:
    for row in book["survey"].iter_rows(min_row=2):
        if row[2].value == QUESTION:
            row[2].value = "Hur har samordnaren bemött dig?"


def test_the_page_lists_every_questionnaire_with_its_version_languages_and_answers(client):
    _manager(client)
    page = client.get("/staff/enkater")
    assert page.status_code == 200
    version = current_version("avslutningsenkat")
    row = re.search(r"<code>avslutningsenkat</code>.*?</tr>", page.text, re.S)[0]
    assert f"<td class=\"num\">{version.id} " in row
    assert "Svenska" in row and "/staff/enkater/avslutningsenkat.xlsx" in row
    for key in ("avslut", "progressionskort", "samverkan"):
        assert f"<code>{key}</code>" in page.text
    assert 'enctype="multipart/form-data"' in page.text and ">Enkäter</a>" in page.text


def test_the_download_opens_and_reads_back_as_the_same_definition(client, tmp_path):
    _manager(client)
    path = _download(client, "samverkan", tmp_path / "samverkan.xlsx")
    book = load_workbook(path, read_only=True)
    assert book.sheetnames == ["survey", "choices", "settings", "goals"]
    book.close()
    form = read_xlsform(path, LANGUAGES)
    _, definition = check_xlsform(form, load_fragments(ROOT / "questionnaires"), path.name)
    assert definition == current_version("samverkan").definition
    assert form.translations["en"]  # the catalogs' translations are in the file


def test_a_bad_file_lists_its_problems_in_swedish_by_sheet_row_and_column_and_stores_nothing(
        client, tmp_path):
    _manager(client)
    book = Workbook()
    survey = book.active
    survey.title = "survey"
    for row in (["type", "name", "label::Svenska (sv)", "relevant"],
                ["select_one ja_nej", "a", "Fråga A", "${b} = 'ja'"],
                ["select_one ja_nej", "b", None, None],
                ["geopoint", "plats", "Var?", None],
                ["select_one finns_inte", "c", "Fråga C", None],
                ["text", "a", "Igen", None],
                ["text", "d", "Fråga D", "${okand} = 'ja'"]):
        survey.append(row)
    choices = book.create_sheet("choices")
    for row in (["list_name", "name", "label::Svenska (sv)"], ["ja_nej", "ja", "Ja"],
                ["ja_nej", "nej", "Nej"]):
        choices.append(row)
    settings = book.create_sheet("settings")
    settings.append(["form_id", "form_title"])
    settings.append(["prov", "Prov"])
    path = tmp_path / "prov.xlsx"
    book.save(path)
    versions = _count(QuestionnaireVersion)

    page = _upload(client, path)

    assert page.status_code == 422
    assert "prov.xlsx har 6 problem. Inget har sparats." in page.text
    for problem in (
        "survey, rad 2, kolumn D (relevant): b kommer senare (rad 3); relevant kan bara nämna frågor ovanför",
        "survey, rad 3, kolumn C (label::Svenska (sv)): ingen svensk text",
        "survey, rad 4, kolumn A (type): okänd typ ”geopoint”",
        "survey, rad 5, kolumn A (type): listan ”finns_inte” finns inte i choices",
        "survey, rad 6, kolumn B (name): namnet a används två gånger (även rad 2)",
        "survey, rad 7, kolumn D (relevant): det finns ingen fråga som heter okand",
    ):
        assert problem in page.text.replace("&#34;", '"')
    assert _count(QuestionnaireVersion) == versions and _count(QuestionnaireUpload) == 0

    survey["C2"] = "=1+1"
    book.save(path)
    page = _upload(client, path)
    assert "survey, rad 2, kolumn C (label::Svenska (sv)): en formel; skriv själva värdet" in page.text

    garbage = tmp_path / "inte.xlsx"
    garbage.write_bytes(b"type,name\ntext,a\n")
    page = _upload(client, garbage)
    assert page.status_code == 422 and "inte.xlsx: ingen Excel-arbetsbok (.xlsx)" in page.text
    empty = client.post("/staff/enkater/uppladdning", data={}, content_type="multipart/form-data")
    assert empty.status_code == 422 and "Välj en fil (.xlsx) att ladda upp." in empty.text
    huge = tmp_path / "stor.xlsx"
    huge.write_bytes(b"PK" + b"\0" * (3 * 1024 * 1024))
    assert _upload(client, huge).status_code == 413
    assert _count(QuestionnaireVersion) == versions and _count(QuestionnaireUpload) == 0


def test_a_changed_option_code_under_an_existing_key_is_refused(client, tmp_path):
    _manager(client)

    def recode(book):
        for row in book["choices"].iter_rows(min_row=2):
            if row[0].value == "bemotande_handlaggare" and row[1].value == "ingen":
                row[1].value = "saknas"

    path = _edited(client, tmp_path, recode)
    page = _upload(client, path)
    assert page.status_code == 422
    assert "bemotande_handlaggare: svarskoden ingen har ändrats eller tagits bort under en befintlig " \
        "fråga; ge frågan ett nytt namn" in page.text
    assert _count(QuestionnaireUpload) == 0


def test_upload_preview_and_publish_make_a_new_version_that_new_answers_use(client, tmp_path):
    _manager(client)
    link = factories.link()
    before = current_version("avslutningsenkat")
    old = client.post(f"/s/{link.token}/sv", data={"response_uuid": str(uuid.uuid4()), **AVSLUTNINGSENKAT})
    assert old.status_code == 302
    _manager(client)
    path = _edited(client, tmp_path, _reword)

    checked = _upload(client, path)
    assert checked.status_code == 302
    token = checked.location.rsplit("/", 1)[1]
    page = client.get(checked.location)
    assert page.status_code == 200 and "avslutningsenkat.xlsx har inga problem." in page.text
    assert f"version {before.id}" in page.text
    assert current_version("avslutningsenkat").id == before.id  # nothing published by the preview

    preview = client.get(f"/staff/enkater/uppladdning/{token}/sv")
    assert preview.status_code == 200
    assert "Hur har samordnaren bemött dig?" in preview.text and QUESTION not in preview.text
    assert "Förhandsvisning av avslutningsenkat.xlsx" in preview.text
    form = re.search(r"<form method=\"post\"[^>]*id=\"survey-form\"[^>]*>", preview.text)[0]
    assert "action=" not in form
    assert re.search(r'<button type="submit" class="button button-primary" disabled>', preview.text)
    english = client.get(f"/staff/enkater/uppladdning/{token}/en")
    assert english.status_code == 200 and 'lang="en"' in english.text
    assert "How has your coordinator treated you?" in english.text  # the file's own, under the new text
    assert client.get(f"/staff/enkater/uppladdning/{token}/xx").status_code == 404
    assert _count(Response) == 1

    published = client.post(f"/staff/enkater/uppladdning/{token}/publicera")
    assert published.status_code == 302 and published.location.endswith("/staff/enkater")
    after = current_version("avslutningsenkat")
    assert after.id != before.id and after.source == "upload"
    assert after.questionnaire().question("bemotande_samordnare").text == "Hur har samordnaren bemött dig?"
    assert not db.session.get(QuestionnaireVersion, before.id).is_current
    assert _count(QuestionnaireUpload) == 0
    event = db.session.scalar(select(AuditEvent).filter_by(action="questionnaire.publish"))
    assert event.detail.startswith(f"avslutningsenkat version {after.id}")
    assert f"version {after.id} är publicerad" in client.get("/staff/enkater").text
    factories.login(client, factories.user("admin@example.se", "admin"))
    log = client.get("/staff/logg?action=questionnaire").text
    assert "Enkät publicerad" in log and f"avslutningsenkat version {after.id}" in log
    _manager(client)
    assert client.post(f"/staff/enkater/uppladdning/{token}/publicera").status_code == 404

    form = client.get(f"/s/{link.token}/sv")
    assert "Hur har samordnaren bemött dig?" in form.text
    new = client.post(f"/s/{link.token}/sv", data={"response_uuid": str(uuid.uuid4()), **AVSLUTNINGSENKAT})
    assert new.status_code == 302
    versions = db.session.scalars(select(Response.version_id).order_by(Response.id)).all()
    assert versions == [before.id, after.id]
    # the spreadsheet's translations were published with it: English is offered under the new text
    english_form = client.get(f"/s/{link.token}/en")
    assert english_form.status_code == 200
    assert "How has your coordinator treated you?" in english_form.text
    assert db.session.scalar(select(AuditEvent).filter_by(action="translation.import")) is not None


def test_init_after_a_publishing_keeps_the_published_version(app, client, runner, tmp_path):
    from surveyapp.services.questionnaires import sync_questionnaires

    _manager(client)
    path = _edited(client, tmp_path, _reword)
    token = _upload(client, path).location.rsplit("/", 1)[1]
    client.post(f"/staff/enkater/uppladdning/{token}/publicera")
    published = current_version("avslutningsenkat")
    sync_questionnaires(app.config["QUESTIONNAIRE_DIR"])  # the files have not changed
    db.session.commit()
    assert current_version("avslutningsenkat").id == published.id


def test_another_account_cannot_see_or_publish_an_upload(client, tmp_path):
    _manager(client)
    path = _edited(client, tmp_path, _reword)
    token = _upload(client, path).location.rsplit("/", 1)[1]
    factories.login(client, factories.user("admin@example.se", "admin"))
    assert client.get(f"/staff/enkater/uppladdning/{token}").status_code == 404
    assert client.post(f"/staff/enkater/uppladdning/{token}/publicera").status_code == 404
    assert _count(QuestionnaireUpload) == 1


def test_a_samordnare_can_neither_see_the_page_nor_upload_nor_publish(client, tmp_path):
    _manager(client)
    path = _edited(client, tmp_path, _reword)
    token = _upload(client, path).location.rsplit("/", 1)[1]
    factories.login(client, factories.user())
    assert client.get("/staff/enkater").status_code == 403
    assert client.get("/staff/enkater/avslut.xlsx").status_code == 403
    assert _upload(client, path).status_code == 403
    assert client.post(f"/staff/enkater/uppladdning/{token}/publicera").status_code == 403
    assert client.get(f"/staff/enkater/uppladdning/{token}/sv").status_code == 403
    anonymous = client.application.test_client()
    for url in (f"/staff/enkater/uppladdning/{token}", f"/staff/enkater/uppladdning/{token}/sv"):
        assert "/login" in anonymous.get(url).location
    assert "/login" in anonymous.post(f"/staff/enkater/uppladdning/{token}/publicera").location
    assert _count(QuestionnaireUpload) == 1


def test_posts_need_the_form_token_and_a_large_file_is_read_after_it(app, client, tmp_path):
    _manager(client)
    path = _edited(client, tmp_path, _reword)
    token = _upload(client, path).location.rsplit("/", 1)[1]
    app.config["WTF_CSRF_ENABLED"] = True
    assert _upload(client, path).status_code == 400
    assert client.post(f"/staff/enkater/uppladdning/{token}/publicera").status_code == 400
    assert _count(QuestionnaireUpload) == 1
    page = client.get("/staff/enkater").text
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page)[1]
    # a file larger than an answer's form may be (MAX_CONTENT_LENGTH) is read once the token is checked
    padded = tmp_path / "stor.xlsx"
    book = load_workbook(path)
    notes = book.create_sheet("anteckningar")
    for _ in range(4):
        notes.append([secrets.token_urlsafe(15000) for _ in range(10)])
    book.save(padded)
    assert padded.stat().st_size > app.config["MAX_CONTENT_LENGTH"]
    checked = _upload(client, padded, csrf_token=csrf)
    assert checked.status_code == 302, checked.text
    published = client.post(checked.location + "/publicera", data={"csrf_token": csrf})
    assert published.status_code == 302
    assert current_version("avslutningsenkat").source == "upload"


def test_the_report_says_where_options_changed_between_versions_answered(client, tmp_path):
    _manager(client)
    link = factories.link()
    client.post(f"/s/{link.token}/sv", data={"response_uuid": str(uuid.uuid4()), **AVSLUTNINGSENKAT})
    _manager(client)
    page = client.get("/reports/avslutningsenkat").text
    assert 'id="versioner"' not in page

    def add_option(book):
        choices = book["choices"]
        header = [cell.value for cell in choices[1]]
        row = [None] * len(header)
        row[0], row[1], row[2] = "bemotande_samordnare", "mycket_bra", "Mycket bra"
        choices.append(row)
        for cells in choices.iter_rows(min_row=2):
            if cells[0].value == "bemotande_samordnare" and cells[1].value == "daligt":
                cells[2].value = "Illa"

    path = _edited(client, tmp_path, add_option)
    token = _upload(client, path).location.rsplit("/", 1)[1]
    client.post(f"/staff/enkater/uppladdning/{token}/publicera")
    version = current_version("avslutningsenkat")
    assert version.questionnaire().question("bemotande_samordnare").option_codes[-1] == "mycket_bra"

    page = client.get("/reports/avslutningsenkat").text
    note = re.search(r'<section class="panel version-note" id="versioner">.*?</section>', page, re.S)[0]
    assert "Varje fråga räknas efter sin nyckel över alla versioner" in note
    assert f"version {version.id} (från" in note
    assert QUESTION in note and "nya alternativ: Mycket bra." in note and "ändrad text: Illa." in note
    assert "bemotande_handlaggare" not in note and "Hur har du blivit bemött av din handläggare" not in note


def test_problems_are_worded_in_swedish_and_an_unknown_one_is_kept_as_written(app):
    from surveyapp.web.staff.questionnaire_problems import problem_text

    with app.test_request_context(headers={"Accept-Language": "sv"}):
        assert problem_text("choices row 4, column D (label::English (en)): 'Ja' is translated otherwise "
                            "at choices row 2") == \
            "choices, rad 4, kolumn D (label::English (en)): ”Ja” är översatt på annat sätt i choices, rad 2"
        assert problem_text("survey row 2: skala: a scale needs the steps 1–5 in order (other codes must "
                            "be marked not_applicable)") == \
            "survey, rad 2: skala: en skala behöver stegen 1–5 i ordning (andra koder ska märkas " \
            "not_applicable)"
        assert problem_text("prov.xlsx: the file is 2048 KB; a questionnaire may be at most 2 MB") == \
            "prov.xlsx: filen är 2048 kB; en enkät får vara högst 2 MB"
        assert problem_text("settings row 2: respondent: 'alla' is not one of ['participant']") == \
            "settings, rad 2: respondent: 'alla' is not one of ['participant']"


def test_the_command_line_import_publishes_through_the_same_checks(app, client, runner, tmp_path):
    import shutil

    folder = tmp_path / "questionnaires"
    shutil.copytree(ROOT / "questionnaires", folder)
    app.config["QUESTIONNAIRE_DIR"] = str(folder)
    _manager(client)
    before = current_version("avslutningsenkat")
    path = _edited(client, tmp_path, _reword)
    result = runner.invoke(args=["questionnaires", "import", str(path), "--replace"])
    assert result.exit_code == 0, result.output
    after = current_version("avslutningsenkat")
    assert f"published: avslutningsenkat version {after.id} is the current one" in result.output
    assert after.id != before.id and after.source == "file"
    assert "Hur har samordnaren bemött dig?" in (folder / "avslutningsenkat.yaml").read_text(encoding="utf-8")

    def recode(book):
        for row in book["choices"].iter_rows(min_row=2):
            if row[0].value == "bemotande_handlaggare" and row[1].value == "ingen":
                row[1].value = "saknas"

    written = (folder / "avslutningsenkat.yaml").read_bytes()
    refused = runner.invoke(args=["questionnaires", "import", str(_edited(client, tmp_path, recode)),
                                  "--replace"])
    assert refused.exit_code == 1
    assert "bemotande_handlaggare: option code ingen changed or removed" in refused.output
    assert (folder / "avslutningsenkat.yaml").read_bytes() == written
    assert current_version("avslutningsenkat").id == after.id


def test_publishing_is_refused_when_the_file_has_a_problem_by_then(client, tmp_path):
    """Checked again on publishing: another version published meanwhile added a code this file lacks."""
    _manager(client)
    first = _upload(client, _edited(client, tmp_path, _reword)).location.rsplit("/", 1)[1]

    def add_option(book):
        choices = book["choices"]
        row = [None] * choices.max_column
        row[0], row[1], row[2] = "bemotande_samordnare", "mycket_bra", "Mycket bra"
        choices.append(row)

    second_path = tmp_path / "andra" / "avslutningsenkat.xlsx"
    second_path.parent.mkdir()
    second = _upload(client, _edited(client, second_path.parent, add_option)).location.rsplit("/", 1)[1]
    assert client.post(f"/staff/enkater/uppladdning/{second}/publicera").status_code == 302
    published = current_version("avslutningsenkat")

    refused = client.post(f"/staff/enkater/uppladdning/{first}/publicera")
    assert refused.status_code == 422
    assert "bemotande_samordnare: svarskoden mycket_bra har ändrats eller tagits bort" in refused.text
    assert current_version("avslutningsenkat").id == published.id
    assert _count(QuestionnaireUpload) == 1  # kept: the page says what to change

"""Questionnaires as XLSForm spreadsheets: the round trip, a KoboToolbox form, bad input, the CLI."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
import yaml
from openpyxl import Workbook, load_workbook

from surveyapp.i18n import LANGUAGES
from surveyapp.questionnaire import QuestionnaireError, load_directory
from surveyapp.questionnaire.extract import respondent_texts
from surveyapp.questionnaire.loader import load_fragments
from surveyapp.questionnaire.xlsform import MAX_ROWS, check_xlsform, read_xlsform, write_xlsform
from surveyapp.translations import questionnaire_translations

ROOT = Path(__file__).resolve().parent.parent.parent
SHIPPED = ROOT / "questionnaires"
CATALOGS = ROOT / "translations"
LOADED = load_directory(SHIPPED)
FRAGMENTS = load_fragments(SHIPPED)


def _read(path: Path):
    form = read_xlsform(path, LANGUAGES)
    questionnaire, definition = check_xlsform(form, FRAGMENTS, path.name)
    return form, questionnaire, definition


def _problems(path: Path) -> list[str]:
    with pytest.raises(QuestionnaireError) as caught:
        _read(path)
    return caught.value.problems


def _rows(path: Path, sheet: str) -> list[list]:
    """A sheet's cell values, read back as a spreadsheet program would."""
    book = load_workbook(path, read_only=True)
    try:
        return [[cell.value for cell in row] for row in book[sheet].iter_rows()]
    finally:
        book.close()


def _workbook(path: Path, survey: list[list], choices: list[list] | None = None,
              settings: list[list] | None = None) -> Path:
    """A spreadsheet as a person writes one in Excel or KoboToolbox."""
    book = Workbook()
    sheet = book.active
    sheet.title = "survey"
    for row in survey:
        sheet.append(row)
    if choices is not None:
        sheet = book.create_sheet("choices")
        for row in choices:
            sheet.append(row)
    settings = settings if settings is not None else [["form_id", "form_title"], ["prov", "Prov"]]
    sheet = book.create_sheet("settings")
    for row in settings:
        sheet.append(row)
    book.save(path)
    return path


@pytest.mark.parametrize("key", sorted(LOADED))
def test_every_shipped_questionnaire_comes_back_the_same_with_its_translations(key, tmp_path):
    questionnaire, definition = LOADED[key]
    catalogs = questionnaire_translations(CATALOGS)
    path = tmp_path / f"{key}.xlsx"
    write_xlsform(definition, path, catalogs, LANGUAGES, FRAGMENTS)

    form, again, definition_again = _read(path)

    assert definition_again == definition
    assert again == questionnaire
    texts = respondent_texts(questionnaire) | {goal.label for goal in questionnaire.goals}
    for language, catalog in catalogs.items():
        expected = {text: catalog[text] for text in texts if text in catalog}
        assert form.translations.get(language, {}) == expected, language
    header = _rows(path, "survey")[0]
    assert header[:4] == ["type", "name", "label::Svenska (sv)", "label::English (en)"]
    assert {f"label::{name} ({code})" for code, name in LANGUAGES.items()} <= set(header)


@pytest.mark.parametrize("key", sorted(LOADED))
def test_every_export_is_a_form_pyxform_converts(key, tmp_path):
    """pyxform (ODK's and KoboToolbox's converter) turns the export into an XForm."""
    from pyxform.xls2xform import convert

    path = tmp_path / f"{key}.xlsx"
    write_xlsform(LOADED[key][1], path, questionnaire_translations(CATALOGS), LANGUAGES, FRAGMENTS)
    xform = convert(str(path), validate=False).xform
    assert f'<data id="{key}">' in xform
    for question in LOADED[key][0].questions:
        assert f"/data/{question.key}" in xform


def test_the_export_writes_xlsform_types_lists_and_settings(tmp_path):
    path = tmp_path / "samverkan.xlsx"
    write_xlsform(LOADED["samverkan"][1], path, {}, LANGUAGES, FRAGMENTS)
    survey = _rows(path, "survey")
    header = survey[0]
    rows = {row[1]: dict(zip(header, row, strict=False)) for row in survey[1:] if row[1]}
    assert rows["intro"]["type"] == "note"
    assert rows["samverkan_ame_vard"]["type"] == "select_one samverkan_ame_vard"
    assert rows["samverkan_ame_vard"]["appearance"] == "likert"
    assert rows["samverkan_ame_vard"]["positive"] == "4 5"
    assert rows["insatser_indikatorer"]["type"] == "begin_group"
    assert rows["insatser_indikatorer"]["appearance"] == "table-list"
    assert rows["insatser_indikatorer"]["relevant"] == "${role} = 'samordnare'"
    assert rows["halsa"]["type"] == "select_one insatser_indikatorer"
    assert rows["forbattra_samverkan"]["constraint"] == "string-length(.) <= 2000"
    settings = _rows(path, "settings")
    settings = dict(zip(settings[0], settings[1], strict=False))
    assert settings["form_id"] == "samverkan" and settings["respondent"] == "staff"
    assert settings["roles"] == "roles"
    choices = _rows(path, "choices")
    assert choices[2][:3] == ["roles", "samordnare", "Samordnare"]
    assert rows["role"]["type"] == "select_one roles" and rows["role"]["required"] == "yes"
    assert any(row[0] == "samverkan_ame_vard" and row[1] == "vet_ej" and row[-1] == "yes"
               for row in choices)


def test_or_conditions_on_a_multiple_choice_come_back_as_selected(tmp_path):
    definition = LOADED["avslutningsenkat"][1]
    path = tmp_path / "a.xlsx"
    write_xlsform(definition, path, {}, LANGUAGES, FRAGMENTS)
    survey = _rows(path, "survey")
    header = survey[0]
    row = next(dict(zip(header, r, strict=False)) for r in survey if r[1] == "diskriminering")
    assert row["relevant"] == (
        "${bemotande_samordnare} = 'varken_eller' or ${bemotande_samordnare} = 'daligt' or "
        "${bemotande_handlaggare} = 'varken_eller' or ${bemotande_handlaggare} = 'daligt'")
    background = [r for r in survey[1:] if r[header.index("include")] == "background"]
    assert [r[1] for r in background] == ["kon", "aldersgrupp", "fodelseregion"]


def test_a_koboToolbox_form_with_these_types_imports_unchanged(tmp_path):
    path = _workbook(
        tmp_path / "kobo.xlsx",
        survey=[
            ["type", "name", "label::Svenska (sv)", "label::English (en)", "hint::Svenska (sv)",
             "required", "relevant", "appearance", "$kuid"],
            ["start", "start", None, None, None, None, None, None, "a1"],
            ["end", "end", None, None, None, None, None, None, "a2"],
            ["note", "valkommen", "Välkommen", "Welcome", None, None, None, None, "a3"],
            ["begin_group", "del1", "Del 1", "Part 1", None, None, None, "field-list", "a4"],
            ["select_one ja_nej", "arbetar", "Arbetar du?", "Do you work?", None, "true()", None,
             "minimal", "a5"],
            ["select_multiple hinder", "hinder", "Vad hindrar?", "What stops you?",
             "Välj flera", None, "${arbetar} = 'nej'", None, "a6"],
            ["end_group", None, None, None, None, None, None, None, "a7"],
            ["text", "annat", "Annat hinder", "Other", None, "false",
             "selected(${hinder}, 'annat') and not(selected(${hinder}, 'tid'))", None, "a8"],
            ["select_one ja_nej", "nojd", "Är du nöjd?", "Satisfied?", None, "yes",
             "not(${arbetar} != 'nej') or selected(${hinder}, 'tid')", None, "a9"],
        ],
        choices=[
            ["list_name", "name", "label::Svenska (sv)", "label::English (en)"],
            ["ja_nej", "ja", "Ja", "Yes"],
            ["ja_nej", "nej", "Nej", "No"],
            ["hinder", "tid", "Tid", "Time"],
            ["hinder", "halsa", "Hälsa", "Health"],
            ["hinder", "annat", "Annat", "Other"],
        ],
        settings=[["form_title", "id_string", "version", "style"],
                  ["Enkät från Kobo", "kobo_enkat", "1 (2026-12-01)", "pages"]],
    )
    from pyxform.xls2xform import convert

    assert '<data id="kobo_enkat"' in convert(str(path), validate=False).xform  # a valid XLSForm
    form, questionnaire, definition = _read(path)
    assert questionnaire.key == "kobo_enkat" and questionnaire.title == "Enkät från Kobo"
    assert questionnaire.intro == "Välkommen"
    assert questionnaire.keys == ("arbetar", "hinder", "annat", "nojd")
    assert [q.type for q in questionnaire.questions] == ["single", "multi", "text", "single"]
    hinder = questionnaire.question("hinder")
    assert hinder.help == "Välj flera" and hinder.option_codes == ("tid", "halsa", "annat")
    assert hinder.show_if.any_of[0].key == "arbetar" and hinder.show_if.any_of[0].values == ("nej",)
    assert questionnaire.question("arbetar").required and not questionnaire.question("annat").required
    annat = questionnaire.question("annat").show_if.any_of
    assert [(c.key, c.values) for c in annat] == [("hinder", ("annat",))]
    nojd = questionnaire.question("nojd").show_if.any_of
    assert [(c.key, c.values) for c in nojd] == [("arbetar", ("nej",)), ("hinder", ("tid",))]
    assert form.translations["en"]["Arbetar du?"] == "Do you work?"


def test_and_over_one_question_narrows_and_over_two_is_refused(tmp_path):
    path = _workbook(
        tmp_path / "and.xlsx",
        survey=[
            ["type", "name", "label", "relevant"],
            ["select_multiple m", "m", "Vilka?", None],
            ["text", "t", "Varför?", "selected(${m}, 'a') and not(selected(${m}, 'b'))"],
            ["select_one m", "s", "En", None],
            ["text", "u", "Och?", "${m} = 'a' and ${s} = 'a'"],
        ],
        choices=[["list_name", "name", "label"], ["m", "a", "A"], ["m", "b", "B"]],
    )
    assert _problems(path) == [
        "survey row 5, column D (relevant): and over two questions cannot be expressed; "
        "surveyapp shows a question when any one condition holds (or)"]


def test_every_problem_is_named_by_sheet_row_and_column(tmp_path):
    path = _workbook(
        tmp_path / "bad.xlsx",
        survey=[
            ["type", "name", "label::Svenska (sv)", "label::English (en)", "relevant"],
            ["select_one ja_nej", "a", "Fråga A", "Question A", "${b} = 'ja'"],
            ["select_one ja_nej", "b", None, "Question B", None],
            ["geopoint", "plats", "Var?", None, None],
            ["select_one finns_inte", "c", "Fråga C", None, None],
            ["text", "a", "Igen", None, None],
            ["text", "d", "Fråga D", None, "${okand} = 'ja'"],
            ["text", "e", "=1+1", None, None],
            ["decimal", "vikt", "Vikt", None, None],
        ],
        choices=[["list_name", "name", "label::Svenska (sv)"], ["ja_nej", "ja", "Ja"],
                 ["ja_nej", "nej", None]],
    )
    problems = _problems(path)
    assert problems == [
        "survey row 8, column C (label::Svenska (sv)): a formula; write the value itself",
    ]
    book = load_workbook(path)
    book["survey"]["C8"] = "Fråga E"
    book.save(path)
    assert _problems(path) == [
        "choices row 3, column C (label::Svenska (sv)): no Swedish text",
        "survey row 2, column E (relevant): b comes later (row 3); relevant can name only "
        "earlier questions",
        "survey row 3, column C (label::Svenska (sv)): no Swedish text",
        "survey row 4, column A (type): unknown type 'geopoint'",
        "survey row 5, column A (type): no choice list 'finns_inte' in choices",
        "survey row 6, column B (name): the name a is used twice (also row 2)",
        "survey row 7, column E (relevant): no question named okand",
        "survey row 9, column A (type): surveyapp has no decimal numbers; ask for a whole number "
        "with integer",
    ]


def test_the_loaders_own_checks_are_told_by_row(tmp_path):
    path = _workbook(
        tmp_path / "scale.xlsx",
        survey=[["type", "name", "label", "appearance", "positive"],
                ["select_one s", "skala", "Hur?", "likert", "4 9"]],
        choices=[["list_name", "name", "label"], ["s", "1", "Ett"], ["s", "2", "Två"]],
    )
    problems = _problems(path)
    assert "survey row 2: skala: a scale needs the steps 1–5 in order " \
        "(other codes must be marked not_applicable)" in problems
    assert "survey row 2: skala: positive code '9' is not one of the options" in problems


@pytest.mark.parametrize(("make", "message"), [
    (lambda p: p.write_bytes(b"type,name,label\ntext,a,A\n"), "bad.xlsx: not an Excel workbook (.xlsx)"),
    (lambda p: p.write_bytes(b"PK" + b"\0" * (2 * 1024 * 1024)),
     "bad.xlsx: the file is 2048 KB; a questionnaire may be at most 2 MB"),
])
def test_a_file_that_is_no_workbook_or_too_large_is_refused(tmp_path, make, message):
    path = tmp_path / "bad.xlsx"
    make(path)
    assert _problems(path) == [message]


def test_a_workbook_without_a_survey_sheet_is_refused(tmp_path):
    book = Workbook()
    book.active.title = "Blad1"
    book.save(tmp_path / "bad.xlsx")
    assert _problems(tmp_path / "bad.xlsx") == ["bad.xlsx: no sheet named survey (XLSForm's questions)"]


def test_more_than_2000_rows_are_refused(tmp_path):
    survey = [["type", "name", "label"]] + [["text", f"q{n}", "Text"] for n in range(MAX_ROWS + 1)]
    path = _workbook(tmp_path / "long.xlsx", survey)
    assert _problems(path) == ["survey: more than 2000 rows; at most 2000 are read"]


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive, \
            archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as entry:
        chunk = b"\0" * (1024 * 1024)
        for _ in range(101):
            entry.write(chunk)
    (problem,) = _problems(path)
    assert problem.startswith("bomb.xlsx: unpacks to 101 MB from ")
    assert problem.endswith("refused as a possible zip bomb")


# the command line

def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "questionnaires"
    folder.mkdir()
    shutil.copy(SHIPPED / "_background.yaml", folder)
    shutil.copytree(SHIPPED / "pictures", folder / "pictures")
    return folder


def test_export_then_import_writes_the_same_questionnaire(runner, tmp_path):
    folder = _folder(tmp_path)
    path = tmp_path / "avslutningsenkat.xlsx"
    exported = runner.invoke(args=["questionnaires", "export", "avslutningsenkat", str(path)])
    assert exported.exit_code == 0, exported.output
    imported = runner.invoke(args=["questionnaires", "import", str(path), "--to", str(folder)])
    assert imported.exit_code == 0, imported.output
    assert "ok: avslutningsenkat (9 questions)" in imported.output
    assert "en: 46 of 46 texts translated in the spreadsheet" in imported.output
    written = yaml.safe_load((folder / "avslutningsenkat.yaml").read_text(encoding="utf-8"))
    assert written["questions"][0] == {"include": "background"}
    assert load_directory(folder)["avslutningsenkat"] == LOADED["avslutningsenkat"]
    checked = runner.invoke(args=["questionnaires", "check", str(folder)])
    assert checked.exit_code == 0 and "ok: avslutningsenkat" in checked.output


def test_export_of_an_unknown_key_exits_1(runner, tmp_path):
    result = runner.invoke(args=["questionnaires", "export", "finns_inte", str(tmp_path / "x.xlsx")])
    assert result.exit_code == 1 and "no questionnaire 'finns_inte'" in result.output
    assert not (tmp_path / "x.xlsx").exists()


def test_import_refuses_to_replace_and_a_changed_code_even_with_replace(runner, tmp_path):
    folder = _folder(tmp_path)
    path = tmp_path / "avslut.xlsx"
    write_xlsform(LOADED["avslut"][1], path, {}, LANGUAGES, FRAGMENTS)
    assert runner.invoke(args=["questionnaires", "import", str(path), "--to", str(folder)]).exit_code == 0
    before = (folder / "avslut.yaml").read_bytes()

    again = runner.invoke(args=["questionnaires", "import", str(path), "--to", str(folder)])
    assert again.exit_code == 1
    assert "questionnaire avslut exists" in again.output and "--replace" in again.output

    book = load_workbook(path)
    choices = book["choices"]
    for row in choices.iter_rows(min_row=2):
        if row[0].value == "utfall" and row[1].value == "annat":
            row[1].value = "ovrigt"
    book.save(path)
    changed = runner.invoke(args=["questionnaires", "import", str(path), "--to", str(folder), "--replace"])
    assert changed.exit_code == 1
    assert "survey row 3: utfall: option code annat changed or removed under an existing " \
        "question key" in changed.output
    assert (folder / "avslut.yaml").read_bytes() == before

    book["survey"]["C3"] = "Vad gör deltagaren nu?"
    for row in choices.iter_rows(min_row=2):
        if row[1].value == "ovrigt":
            row[1].value = "annat"
    book.save(path)
    replaced = runner.invoke(args=["questionnaires", "import", str(path), "--to", str(folder), "--replace"])
    assert replaced.exit_code == 0, replaced.output
    assert "Vad gör deltagaren nu?" in (folder / "avslut.yaml").read_text(encoding="utf-8")


def test_a_bad_spreadsheet_changes_nothing(runner, tmp_path):
    folder = _folder(tmp_path)
    path = _workbook(tmp_path / "prov.xlsx", [["type", "name", "label"], ["geopoint", "plats", "Var?"]])
    result = runner.invoke(args=["questionnaires", "import", str(path), "--to", str(folder)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == ["survey row 2, column A (type): unknown type 'geopoint'"]
    assert sorted(p.name for p in folder.iterdir()) == ["_background.yaml", "pictures"]


def test_names_codes_and_settings_the_schema_refuses_are_told_by_row(tmp_path):
    path = _workbook(
        tmp_path / "names.xlsx",
        survey=[["type", "name", "label"], ["select_one yn", "Fraga", "Fråga"],
                ["select_one yn", "fraga", "Fråga"]],
        choices=[["list_name", "name", "label"], ["yn", "Yes", "Ja"], ["yn", "no", "Nej"]],
        settings=[["form_id", "form_title", "respondent"], ["prov", "Prov", "alla"]],
    )
    assert _problems(path) == [
        "choices row 2, column B (name): code 'Yes' may hold only lower-case a–z, digits, _, + and -",
        "survey row 2, column B (name): the name 'Fraga' must start with a lower-case a–z and hold "
        "only a–z, digits and _",
    ]
    book = load_workbook(path)
    book["choices"]["B2"] = "yes"
    book["survey"]["B2"] = "fraga_1"
    book.save(path)
    (problem,) = _problems(path)
    assert problem.startswith("settings row 2: respondent: 'alla' is not one of")


def test_a_damaged_sheet_and_two_translations_of_one_text_are_refused(tmp_path):
    good = tmp_path / "good.xlsx"
    write_xlsform(LOADED["avslut"][1], good, {}, LANGUAGES, FRAGMENTS)
    damaged = tmp_path / "damaged.xlsx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(damaged, "w") as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                data = data[: len(data) // 2]
            target.writestr(info, data)
    (problem,) = _problems(damaged)
    assert problem.startswith("damaged.xlsx: sheet survey cannot be read: ")

    path = _workbook(
        tmp_path / "twice.xlsx",
        survey=[["type", "name", "label", "label::English (en)"],
                ["select_one yn", "a", "Fråga", "Question"], ["select_one yn", "b", "Annan", "Other"]],
        choices=[["list_name", "name", "label", "label::English (en)"], ["yn", "ja", "Ja", "Yes"],
                 ["yn", "nej", "Nej", "No"], ["yn2", "ja", "Ja", "Yeah"]],
    )
    assert _problems(path) == [
        "choices row 4, column D (label::English (en)): 'Ja' is translated otherwise at choices row 2"]


def test_a_missing_picture_is_told_by_row(runner, tmp_path):
    folder = _folder(tmp_path)
    (folder / "pictures" / "ansikte-glatt.svg").unlink()
    path = tmp_path / "a.xlsx"
    write_xlsform(LOADED["avslutningsenkat"][1], path, {}, LANGUAGES, FRAGMENTS)
    result = runner.invoke(args=["questionnaires", "import", str(path), "--to", str(folder)])
    assert result.exit_code == 1
    assert "survey row 6: bemotande_samordnare: option bra: picture 'ansikte-glatt.svg': " \
        "no such file in pictures/" in result.output
    assert not (folder / "avslutningsenkat.yaml").exists()


def test_or_other_and_a_hint_on_a_table_row_are_refused(tmp_path):
    path = _workbook(
        tmp_path / "other.xlsx",
        survey=[["type", "name", "label", "hint", "appearance"],
                ["select_one yn or_other", "a", "Fråga", None, None],
                ["begin_group", "t", "Tabell", None, "table-list"],
                ["select_one yn", "r", "Rad", "Tips", None],
                ["end_group", None, None, None, None]],
        choices=[["list_name", "name", "label"], ["yn", "ja", "Ja"], ["yn", "nej", "Nej"]],
    )
    assert _problems(path) == [
        "survey row 2, column A (type): surveyapp does not read 'or_other'; add an option instead",
        "survey row 4, column D (hint): a table's row has no hint; put it on its begin_group",
    ]

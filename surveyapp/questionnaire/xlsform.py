"""Questionnaires as XLSForm spreadsheets: read one into a definition, write one from it.

:func:`read_xlsform` turns a workbook with XLSForm's ``survey``, ``choices`` and ``settings``
sheets (plus surveyapp's ``goals`` sheet) into the dict a questionnaire YAML file holds, so the
loader's schema and consistency checks run on it unchanged. :func:`check_xlsform` runs them and
names every problem by sheet, row and column. :func:`write_xlsform` writes a definition back in
the same shape; reading that file gives the same definition. See ``docs/xlsform.md``.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .loader import QuestionnaireError, build, normalise, resolve_data
from .model import Questionnaire
from .relevant import ROLE, Parser, relevant_of
from .relevant import names as names_in
from .relevant import terms as terms_of
from .schema import CODE, KEY
from .workbook import Sheet, column_letter, out_of_proportion, read_sheet

#: a spreadsheet questionnaire may be at most this large on disk and this long per sheet
MAX_BYTES = 2 * 1024 * 1024
MAX_ROWS = 2000
SOURCE_LANGUAGE = "sv"
SHEETS = ("survey", "choices", "settings", "goals")
#: the role question's label on export (surveyapp asks for the role before the questions)
ROLE_LABEL = "Din roll"
YES = frozenset({"yes", "true", "true()", "1", "ja"})
#: XLSForm's metadata rows (KoboToolbox adds start and end): no question, left out
METADATA = frozenset({
    "start", "end", "today", "deviceid", "username", "phonenumber", "simserial",
    "subscriberid", "audit", "start-geopoint",
})
#: survey columns whose XLSForm meaning surveyapp cannot keep: a value there is a problem
UNSUPPORTED_COLUMNS = ("calculation", "choice_filter", "default", "repeat_count", "readonly",
                       "trigger", "parameters")
CODE_PATTERN = re.compile(CODE["pattern"])
KEY_PATTERN = re.compile(KEY["pattern"])
CHOICE_HELP = re.compile(r"^help_(?P<code>[a-z]{2,3})$")
MAX_LENGTH = re.compile(r"^\s*string-length\(\s*\.\s*\)\s*<=\s*(\d+)\s*$")
LIMIT = re.compile(r"^\s*\.\s*(?P<operator>>=|<=|>|<)\s*(?P<number>[+-]?\d{1,9})\s*$")
LANGUAGE_COLUMN = re.compile(r"^(?P<base>[a-z_]+)::\s*(?:(?P<name>.*?)\s*\(\s*(?P<code>[A-Za-z-]+)\s*\)|"
                             r"(?P<bare>[A-Za-z-]+))\s*$")


@dataclass
class XLSForm:
    """What a spreadsheet holds: the definition as a YAML file would, and its translations."""

    #: as a questionnaire file holds it (an included fragment as ``{"include": key}``)
    definition: dict
    #: language -> {Swedish text: translation}
    translations: dict[str, dict[str, str]] = field(default_factory=dict)
    #: fragment key -> the included questions as the sheet wrote them, and their first row
    included: dict[str, tuple[int, list[dict]]] = field(default_factory=dict)
    #: question key (and ``goal KEY``) -> "survey row N" for the loader's messages
    rows: dict[str, str] = field(default_factory=dict)


def _open(path: Path, problems: list[str]) -> dict[str, Sheet] | None:
    """Reads the sheets surveyapp uses, refusing what is too large, packed or formula-laden."""
    name = path.name
    try:
        size = path.stat().st_size
    except OSError as exc:
        problems.append(f"{name}: cannot be read: {exc.strerror}")
        return None
    if size > MAX_BYTES:
        problems.append(f"{name}: the file is {size // 1024} KB; a questionnaire may be at most "
                        f"{MAX_BYTES // (1024 * 1024)} MB")
        return None
    try:
        sizes = out_of_proportion(path)
    except (zipfile.BadZipFile, OSError):
        problems.append(f"{name}: not an Excel workbook (.xlsx)")
        return None
    if sizes is not None:
        problems.append(f"{name}: unpacks to {sizes[0] // (1024 * 1024)} MB from {sizes[1] // 1024} KB; "
                        "refused as a possible zip bomb")
        return None
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=False)
    except (InvalidFileException, KeyError, ValueError, OSError, zipfile.BadZipFile) as exc:
        problems.append(f"{name}: not an Excel workbook (.xlsx): {exc}")
        return None
    sheets: dict[str, Sheet] = {}
    try:
        names = {title.strip().lower(): title for title in workbook.sheetnames}
        if "survey" not in names:
            problems.append(f"{name}: no sheet named survey (XLSForm's questions)")
            return None
        for wanted in SHEETS:
            if wanted not in names:
                continue
            try:
                sheet = read_sheet(workbook[names[wanted]], wanted, MAX_ROWS, problems)
            except Exception as exc:  # noqa: BLE001 - a damaged sheet's XML fails in many ways
                problems.append(f"{name}: sheet {wanted} cannot be read: {exc}")
                return None
            if sheet is None:
                return None
            sheets[wanted] = sheet
    finally:
        workbook.close()
    return sheets


class _Languages:
    """Which columns hold which language: ``label::Svenska (sv)``, or a bare ``label`` for Swedish."""

    def __init__(self, sheet: Sheet, known: dict[str, str] | None, problems: list[str]):
        self.columns: dict[tuple[str, str], str] = {}
        for index, column in enumerate(sheet.header):
            base, code = column, SOURCE_LANGUAGE
            match = LANGUAGE_COLUMN.match(column)
            plain = CHOICE_HELP.match(column)
            if plain:  # an option's help: XLSForm's choices have no translated hint column
                base, code = "hint", plain["code"]
                if known is not None and code not in known:
                    continue
            elif match:
                base = match["base"]
                code = (match["code"] or match["bare"]).lower()
                if known is not None and code not in known:
                    problems.append(f"{sheet.name} row 1, column {column_letter(index + 1)} ({column}): "
                                    f"no language {code!r}; surveyapp has {', '.join(known)}")
                    continue
            elif "::" in column:
                continue
            if base in ("title", "title_translation"):  # the title in other languages
                base = "form_title"
            if (base, code) in self.columns:
                problems.append(f"{sheet.name} row 1, column {column_letter(index + 1)} ({column}): "
                                f"a second {base} column in {code}")
                continue
            self.columns[(base, code)] = column

    def languages(self, base: str) -> list[str]:
        return [code for (b, code) in self.columns if b == base and code != SOURCE_LANGUAGE]

    def swedish(self, base: str) -> str | None:
        return self.columns.get((base, SOURCE_LANGUAGE))


class _Reader:
    def __init__(self, sheets: dict[str, Sheet], name: str, known: dict[str, str] | None):
        self.sheets = sheets
        self.name = name
        self.known = known
        self.problems: list[str] = []
        self.translations: dict[str, dict[str, str]] = {}
        self.translated_at: dict[tuple[str, str], str] = {}
        self.langs = {key: _Languages(sheet, known, self.problems) for key, sheet in sheets.items()}
        self.roles_list: str | None = None

    # texts and their translations
    def text(self, sheet: Sheet, number: int, values: dict[str, str], base: str,
             required: bool = False) -> str | None:
        langs = self.langs[sheet.name]
        column = langs.swedish(base)
        swedish = values.get(column) if column else None
        if not swedish:
            if required:
                shown = column or f"{base}::Svenska (sv)"
                self.problems.append(f"{sheet.where(number, shown)}: no Swedish text")
            return None
        for code in langs.languages(base):
            other = langs.columns[(base, code)]
            translated = values.get(other)
            if not translated:
                continue
            known = self.translations.setdefault(code, {})
            if swedish in known and known[swedish] != translated:
                self.problems.append(
                    f"{sheet.where(number, other)}: {swedish!r} is translated otherwise at "
                    f"{self.translated_at[(code, swedish)]}")
                continue
            known[swedish] = translated
            self.translated_at.setdefault((code, swedish), f"{sheet.name} row {number}")
        return swedish

    def read(self) -> XLSForm:
        lists = self._choices()
        settings = self._settings(lists)
        form = XLSForm(definition=settings)
        found = self.sheets.get("settings")
        settings_row = found.rows[0][0] if found is not None and found.rows else 2
        for column in ("key", "title", "respondent", "paired", "participant_code", "roles"):
            form.rows[column] = f"settings row {settings_row}"
        form.rows["questions"] = "survey"
        questions = self._survey(lists, settings, form)
        settings["questions"] = questions
        goals = self._goals(form)
        if goals:
            settings["goals"] = goals
        form.translations = self.translations
        return form

    def _choices(self) -> dict[str, list[dict]]:
        sheet = self.sheets.get("choices")
        lists: dict[str, list[dict]] = {}
        if sheet is None:
            return lists
        for number, values in sheet.rows:
            list_name = values.get("list_name") or values.get("list name")
            code = values.get("name")
            if not list_name:
                self.problems.append(f"{sheet.where(number, 'list_name')}: no list name")
                continue
            if not code:
                self.problems.append(f"{sheet.where(number, 'name')}: no code (name)")
                continue
            if not CODE_PATTERN.match(code):
                self.problems.append(f"{sheet.where(number, 'name')}: code {code!r} may hold only "
                                     "lower-case a–z, digits, _, + and -")
                continue
            options = lists.setdefault(list_name, [])
            if any(o["code"] == code for o in options):
                self.problems.append(f"{sheet.where(number, 'name')}: code {code!r} is used twice "
                                     f"in list {list_name}")
                continue
            option: dict[str, Any] = {"code": code}
            label = self.text(sheet, number, values, "label", required=True)
            if label:
                option["label"] = label
            help_ = self.text(sheet, number, values, "hint")
            if help_:
                option["help"] = help_
            picture = values.get("image") or values.get("media::image")
            if picture:
                option["picture"] = picture
            if values.get("not_applicable", "").lower() in YES:
                option["not_applicable"] = True
            options.append(option)
        return lists

    def _settings(self, lists: dict[str, list[dict]]) -> dict:
        sheet = self.sheets.get("settings")
        values: dict[str, str] = {}
        number = 2
        if sheet is not None and sheet.rows:
            number, values = sheet.rows[0]
        where = sheet.where if sheet is not None else (lambda n, c: f"settings row {n}, column {c}")
        definition: dict[str, Any] = {}
        key = values.get("form_id") or values.get("id_string")
        if not key:
            self.problems.append(f"{where(number, 'form_id')}: no form_id (the questionnaire's key)")
        definition["key"] = key or ""
        title = self.text(sheet, number, values, "form_title") if sheet is not None else None
        if not title:
            self.problems.append(f"{where(number, 'form_title')}: no title (form_title)")
        definition["title"] = title or ""
        definition["respondent"] = values.get("respondent", "participant")
        if values.get("paired", "").lower() in YES:
            definition["paired"] = True
        if values.get("participant_code"):
            definition["participant_code"] = values["participant_code"]
        roles = values.get("roles")
        self.roles_list = roles
        if roles:
            if roles not in lists:
                self.problems.append(f"{where(number, 'roles')}: no choice list {roles!r} in choices")
            else:
                definition["roles"] = lists[roles]
        return definition

    def _survey(self, lists: dict[str, list[dict]], settings: dict, form: XLSForm) -> list[dict]:
        sheet = self.sheets["survey"]
        questions: list[dict] = []
        #: every name so far, with its row, and each question's options (for ``!=``)
        names: dict[str, int] = {}
        kinds: dict[str, tuple[str, list[str]]] = {}
        groups: list[dict | None] = []  # None for a plain group, the matrix being read otherwise
        include_run: tuple[str, list[dict]] | None = None
        later = {values.get("name"): number for number, values in sheet.rows if values.get("name")}

        def place(question: dict, include: str | None, number: int) -> None:
            nonlocal include_run
            if include:
                if include_run is None or include_run[0] != include:
                    if include in form.included:
                        self.problems.append(f"{sheet.where(number, 'include')}: {include} is "
                                             "included twice")
                    include_run = (include, [])
                    form.included[include] = (number, include_run[1])
                    questions.append({"include": include})
                include_run[1].append(question)
            else:
                include_run = None
                questions.append(question)

        for number, values in sheet.rows:
            raw_type = " ".join(values.get("type", "").split())
            raw_type = re.sub(r"^(select|begin|end) (one|multiple|group|repeat)\b", r"\1_\2", raw_type)
            parts = raw_type.split(" ")
            kind = parts[0]
            name = values.get("name", "")
            if not raw_type:
                self.problems.append(f"{sheet.where(number, 'type')}: no type")
                continue
            if kind in METADATA:
                continue
            if (kind == "select_one" and name == ROLE and settings.get("roles")
                    and parts[1:] == [self.roles_list]):
                names[name] = number  # the respondent's role, asked before the questions
                continue
            for column in UNSUPPORTED_COLUMNS:
                if values.get(column):
                    self.problems.append(f"{sheet.where(number, column)}: surveyapp has no {column}")
            if kind == "end_group":
                if not groups:
                    self.problems.append(f"{sheet.where(number, 'type')}: end_group without begin_group")
                    continue
                matrix = groups.pop()
                if matrix is not None:
                    place(self._finish_matrix(matrix, lists, sheet), matrix.pop("_include"),
                          matrix.pop("_row"))
                continue
            if not name and kind != "note":
                self.problems.append(f"{sheet.where(number, 'name')}: no name")
                continue
            if name and not KEY_PATTERN.match(name):
                self.problems.append(f"{sheet.where(number, 'name')}: the name {name!r} must start "
                                     "with a lower-case a–z and hold only a–z, digits and _")
                continue
            if name:
                if name in names:
                    self.problems.append(f"{sheet.where(number, 'name')}: the name {name} is used "
                                         f"twice (also row {names[name]})")
                    continue
                names[name] = number
            appearance = values.get("appearance", "").split()
            plain_group = kind == "begin_group" and "table-list" not in appearance
            text = self.text(sheet, number, values, "label", required=not plain_group)
            help_ = self.text(sheet, number, values, "hint")
            include = values.get("include") or None
            matrix = next((g for g in reversed(groups) if g is not None), None)

            if kind == "begin_group":
                if "table-list" not in appearance:
                    if values.get("relevant"):
                        self.problems.append(f"{sheet.where(number, 'relevant')}: surveyapp shows or "
                                             "hides single questions, not groups")
                    groups.append(None)
                    continue
                if matrix is not None:
                    self.problems.append(f"{sheet.where(number, 'type')}: a table inside a table")
                question = self._question(name, "matrix", text, help_, values, sheet, number,
                                          names, kinds, settings, later)
                question.update(rows=[], _list=None, _row=number, _include=include)
                form.rows[name] = f"survey row {number}"
                groups.append(question)
                continue
            if kind == "begin_repeat":
                self.problems.append(f"{sheet.where(number, 'type')}: surveyapp has no repeats")
                continue
            if kind == "note":
                if questions or groups or include_run:
                    self.problems.append(f"{sheet.where(number, 'type')}: a note is only read as the "
                                         "first row, the questionnaire's introduction")
                elif text:
                    settings["intro"] = text
                continue
            if kind in ("select_one", "select_multiple"):
                list_name = parts[1] if len(parts) > 1 else ""
                if len(parts) > 2:
                    self.problems.append(f"{sheet.where(number, 'type')}: surveyapp does not read "
                                         f"{' '.join(parts[2:])!r}; add an option instead")
                    continue
                if list_name not in lists:
                    self.problems.append(f"{sheet.where(number, 'type')}: no choice list "
                                         f"{list_name!r} in choices")
                    continue
                if matrix is not None:
                    self._matrix_row(matrix, kind, list_name, name, text, values, sheet, number)
                    continue
                if kind == "select_multiple":
                    qtype = "multi"
                elif "likert" in appearance or "faces" in appearance:
                    qtype = "scale"
                elif "band" in appearance:
                    qtype = "band"
                else:
                    qtype = "single"
                question = self._question(name, qtype, text, help_, values, sheet, number,
                                          names, kinds, settings, later)
                question["options"] = [dict(o) for o in lists[list_name]]
                kinds[name] = (kind, [o["code"] for o in lists[list_name]])
            elif kind == "text":
                if matrix is not None:
                    self.problems.append(f"{sheet.where(number, 'type')}: a table holds only "
                                         "select_one rows")
                    continue
                question = self._question(name, "text", text, help_, values, sheet, number,
                                          names, kinds, settings, later)
                constraint = values.get("constraint")
                if constraint:
                    found = MAX_LENGTH.match(constraint)
                    if found:
                        question["max_length"] = int(found[1])
                    else:
                        self.problems.append(f"{sheet.where(number, 'constraint')}: only "
                                             "string-length(.) <= N is understood")
                kinds[name] = ("text", [])
            elif kind == "integer":
                if matrix is not None:
                    self.problems.append(f"{sheet.where(number, 'type')}: a table holds only "
                                         "select_one rows")
                    continue
                question = self._question(name, "integer", text, help_, values, sheet, number,
                                          names, kinds, settings, later)
                if values.get("constraint"):
                    limits = _limits(values["constraint"])
                    if limits is None:
                        self.problems.append(f"{sheet.where(number, 'constraint')}: only a whole "
                                             "number range is understood: . >= 0 and . <= 120")
                    else:
                        question.update(limits)
            elif kind == "decimal":
                self.problems.append(f"{sheet.where(number, 'type')}: surveyapp has no decimal "
                                     "numbers; ask for a whole number with integer")
                continue
            else:
                self.problems.append(f"{sheet.where(number, 'type')}: unknown type {raw_type!r}")
                continue
            if kind not in ("text", "integer") and values.get("constraint"):
                self.problems.append(f"{sheet.where(number, 'constraint')}: only a text or integer "
                                     "question takes a constraint")
            form.rows[name] = f"survey row {number}"
            place(question, include, number)
        if groups:
            self.problems.append(f"{sheet.name}: a begin_group has no end_group")
        return questions

    def _question(self, name: str, qtype: str, text: str | None, help_: str | None,
                  values: dict[str, str], sheet: Sheet, number: int, names: dict[str, int],
                  kinds: dict[str, tuple[str, list[str]]], settings: dict,
                  later: dict[str, int]) -> dict:
        question: dict[str, Any] = {"key": name, "type": qtype, "text": text or ""}
        if help_:
            question["help"] = help_
        if values.get("required", "").lower() in YES:
            question["required"] = True
        if values.get("relevant"):
            show_if = self._relevant(values["relevant"], sheet, number, name, names, kinds,
                                     settings, later)
            if show_if:
                question["show_if"] = show_if
        if values.get("positive"):
            question["positive"] = values["positive"].split()
        return question

    def _matrix_row(self, matrix: dict, kind: str, list_name: str, name: str, text: str | None,
                    values: dict[str, str], sheet: Sheet, number: int) -> None:
        where = sheet.where(number, "type")
        if kind != "select_one":
            self.problems.append(f"{where}: a table holds only select_one rows")
            return
        if matrix["_list"] is None:
            matrix["_list"] = list_name
        elif matrix["_list"] != list_name:
            self.problems.append(f"{where}: every row of table {matrix['key']} answers on list "
                                 f"{matrix['_list']}")
        if values.get("relevant"):
            self.problems.append(f"{sheet.where(number, 'relevant')}: a table's rows are shown "
                                 "together; put relevant on its begin_group")
        hints = [column for (base, _code), column in self.langs["survey"].columns.items()
                 if base == "hint" and values.get(column)]
        if hints:
            self.problems.append(f"{sheet.where(number, hints[0])}: a table's row has no hint; "
                                 "put it on its begin_group")
        matrix["rows"].append({"key": name, "text": text or ""})
        matrix.setdefault("_required", []).append(values.get("required", "").lower() in YES)

    def _finish_matrix(self, matrix: dict, lists: dict[str, list[dict]], sheet: Sheet) -> dict:
        list_name = matrix.pop("_list")
        required = matrix.pop("_required", [])
        if required and all(required):
            matrix["required"] = True
        if list_name is not None:
            matrix["options"] = [dict(o) for o in lists[list_name]]
        return matrix

    def _relevant(self, expression: str, sheet: Sheet, number: int, name: str,
                  names: dict[str, int], kinds: dict[str, tuple[str, list[str]]], settings: dict,
                  later: dict[str, int]) -> list[dict] | None:
        """``show_if`` from XLSForm's ``relevant``; None (and a problem) when it cannot be."""
        where = sheet.where(number, "relevant")
        try:
            tree = Parser(expression).parse()
        except ValueError as exc:
            self.problems.append(f"{where}: {exc}")
            return None
        roles = [r["code"] for r in settings.get("roles", ())]
        codes_of = {key: codes for key, (_kind, codes) in kinds.items()}
        if roles and ROLE not in codes_of:
            codes_of[ROLE] = roles
        for target in names_in(tree):
            if target == ROLE and ROLE in codes_of:
                continue
            if target not in names or target == name:
                if target in later:
                    self.problems.append(f"{where}: {target} comes later (row {later[target]}); "
                                         "relevant can name only earlier questions")
                else:
                    self.problems.append(f"{where}: no question named {target}")
                return None
            if target not in codes_of:
                self.problems.append(f"{where}: {target} is not a question with choices")
                return None
        try:
            terms = terms_of(tree, codes_of)
        except ValueError as exc:
            self.problems.append(f"{where}: {exc}")
            return None
        show_if = []
        for target, codes in terms.items():
            if target == ROLE and ROLE not in kinds:
                show_if.append({"role": codes})
            else:
                show_if.append({"question": target, "in": codes})
        return show_if

    def _goals(self, form: XLSForm) -> list[dict]:
        sheet = self.sheets.get("goals")
        goals: list[dict] = []
        if sheet is None:
            return goals
        for number, values in sheet.rows:
            goal: dict[str, Any] = {"question": values.get("question", "")}
            if not goal["question"]:
                self.problems.append(f"{sheet.where(number, 'question')}: no question")
            if values.get("measure"):
                goal["measure"] = values["measure"]
            target = values.get("target", "")
            try:
                number_ = float(target)
                goal["target"] = int(number_) if number_.is_integer() and "." not in target else number_
            except ValueError:
                self.problems.append(f"{sheet.where(number, 'target')}: {target!r} is not a number")
            if values.get("codes"):
                goal["codes"] = values["codes"].split()
            label = self.text(sheet, number, values, "label", required=True)
            if label:
                goal["label"] = label
            form.rows.setdefault(f"goal {goal['question']}", f"goals row {number}")
            goals.append(goal)
        return goals


def _limits(constraint: str) -> dict[str, int] | None:
    """``. >= 0 and . <= 120`` as ``{"minimum": 0, "maximum": 120}``; None when it is not that."""
    limits: dict[str, int] = {}
    for part in re.split(r"\s+and\s+", constraint.strip()):
        found = LIMIT.match(part)
        if found is None:
            return None
        operator, value = found["operator"], int(found["number"])
        name = "minimum" if operator.startswith(">") else "maximum"
        if name in limits:
            return None
        limits[name] = value + {">": 1, "<": -1}.get(operator, 0)
    return limits


def _constraint_of(question: dict) -> str:
    """A whole number's limits as XLSForm's ``constraint``."""
    parts = []
    if question.get("minimum") is not None:
        parts.append(f". >= {question['minimum']}")
    if question.get("maximum") is not None:
        parts.append(f". <= {question['maximum']}")
    return " and ".join(parts)


def read_xlsform(path: str | Path, languages: dict[str, str] | None = None) -> XLSForm:
    """Reads an XLSForm workbook; raises :class:`QuestionnaireError` naming every problem found.

    ``languages`` (code -> name) are the translation columns accepted; None accepts any.
    """
    path = Path(path)
    problems: list[str] = []
    sheets = _open(path, problems)
    if sheets is None or problems:
        raise QuestionnaireError(problems)
    reader = _Reader(sheets, path.name, languages)
    form = reader.read()
    if reader.problems:
        raise QuestionnaireError(reader.problems)
    return form


def check_xlsform(form: XLSForm, fragments: dict[str, list[dict]],
                  name: str = "survey") -> tuple[Questionnaire, dict]:
    """Runs the loader's checks on a read spreadsheet; returns the questionnaire and its definition.

    Problems the loader words by question key are told by the key's row on the survey sheet.
    """
    problems = []
    for include, (number, questions) in form.included.items():
        if include not in fragments:
            problems.append(f"survey row {number}, column include: no file _{include}.yaml")
        elif normalise(questions) != normalise(fragments[include]):
            problems.append(f"survey row {number}, column include: the questions marked {include} "
                            f"differ from _{include}.yaml; change them there")
    if problems:
        raise QuestionnaireError(problems)
    try:
        definition = resolve_data(form.definition, name, fragments)
        return build(definition, name), definition
    except QuestionnaireError as exc:
        raise QuestionnaireError([locate(p, name, form.rows) for p in exc.problems]) from exc


def locate(problem: str, name: str, rows: dict[str, str]) -> str:
    """``survey: kon: …`` becomes ``survey row 4: kon: …``."""
    prefix = f"{name}: "
    if not problem.startswith(prefix):
        return problem
    rest = problem[len(prefix):]
    for key in sorted(rows, key=len, reverse=True):
        if rest.startswith((key + ": ", key + ".")):
            return f"{rows[key]}: {rest}"
    return problem


# writing

def _fragment_of(question: dict, fragments: dict[str, list[dict]]) -> str:
    for key, questions in fragments.items():
        if any(q["key"] == question["key"] for q in questions):
            return key
    return "background"


def write_xlsform(definition: dict, path: str | Path,
                  translations: dict[str, dict[str, str]] | None = None,
                  languages: dict[str, str] | None = None,
                  fragments: dict[str, list[dict]] | None = None) -> None:
    """Writes a resolved definition as an XLSForm workbook.

    ``translations`` (language -> {Swedish text: translation}) fill one ``label::Name (code)``
    and ``hint::Name (code)`` column per language of ``languages`` (code -> name, Swedish first).
    Questions included from a fragment are written out and marked in the ``include`` column.
    """
    import xlsxwriter

    definition = normalise(definition)
    translations = translations or {}
    languages = {SOURCE_LANGUAGE: "Svenska", **(languages or {})}
    codes = [SOURCE_LANGUAGE, *(code for code in languages if code != SOURCE_LANGUAGE)]
    fragments = fragments or {}

    def columns(base: str) -> list[str]:
        return [f"{base}::{languages[code]} ({code})" for code in codes]

    def texts(text: str | None) -> list[str]:
        if not text:
            return [""] * len(codes)
        return [text if code == SOURCE_LANGUAGE else translations.get(code, {}).get(text, "")
                for code in codes]

    kinds = {q["key"]: q["type"] for q in definition["questions"]}
    survey = [["type", "name", *columns("label"), *columns("hint"), "required", "relevant",
               "appearance", "constraint", "positive", "include"]]
    choices = [["list_name", "name", *columns("label"), *[f"help_{code}" for code in codes], "image",
                "not_applicable"]]

    def add_list(list_name: str, options: list[dict]) -> None:
        for option in options:
            choices.append([list_name, option["code"], *texts(option["label"]),
                            *texts(option.get("help")), option.get("picture", ""),
                            "yes" if option.get("not_applicable") else ""])

    def survey_row(kind, name, text, help_="", required=False, relevant="", appearance="",
                   constraint="", positive=(), include="") -> None:
        survey.append([kind, name, *texts(text), *texts(help_), "yes" if required else "",
                       relevant, appearance, constraint, " ".join(positive), include])

    if definition.get("intro"):
        survey_row("note", "intro", definition["intro"])
    keys = {q["key"] for q in definition["questions"]}
    roles_list = "roles"
    while roles_list in keys:
        roles_list += "_"
    if definition.get("roles"):
        add_list(roles_list, definition["roles"])
        if ROLE not in keys:
            survey.append([f"select_one {roles_list}", ROLE, ROLE_LABEL, *[""] * (len(codes) - 1),
                           *[""] * len(codes), "yes", "", "", "", "", ""])
    for q in definition["questions"]:
        include = _fragment_of(q, fragments) if q.get("background") else ""
        relevant = relevant_of(q.get("show_if", ()), kinds)
        common = dict(required=q.get("required", False), relevant=relevant,
                      positive=q.get("positive", ()), include=include)
        qtype = q["type"]
        if qtype == "matrix":
            survey_row("begin_group", q["key"], q["text"], q.get("help"), appearance="table-list",
                       relevant=relevant, positive=q.get("positive", ()), include=include)
            add_list(q["key"], q["options"])
            for row in q["rows"]:
                survey_row(f"select_one {q['key']}", row["key"], row["text"],
                           required=q.get("required", False), include=include)
            survey_row("end_group", "", None, include=include)
            continue
        if qtype == "text":
            constraint = f"string-length(.) <= {q['max_length']}" if q.get("max_length") else ""
            survey_row("text", q["key"], q["text"], q.get("help"), constraint=constraint, **common)
            continue
        if qtype == "integer":
            survey_row("integer", q["key"], q["text"], q.get("help"), constraint=_constraint_of(q), **common)
            continue
        add_list(q["key"], q["options"])
        appearance = {"scale": "likert", "band": "band"}.get(qtype, "")
        if qtype == "scale" and all(o.get("picture") for o in q["options"] if not o.get("not_applicable")):
            appearance = "faces"
        kind = "select_multiple" if qtype == "multi" else "select_one"
        survey_row(f"{kind} {q['key']}", q["key"], q["text"], q.get("help"), appearance=appearance,
                   **common)

    title_columns = [f"title_translation::{languages[code]} ({code})" for code in codes[1:]]
    settings = [["form_id", "form_title", *title_columns, "respondent", "paired", "participant_code",
                 "roles", "default_language"],
                [definition["key"], *texts(definition["title"]), definition["respondent"],
                 "yes" if definition.get("paired") else "", definition.get("participant_code", ""),
                 roles_list if definition.get("roles") else "",
                 f"{languages[SOURCE_LANGUAGE]} ({SOURCE_LANGUAGE})"]]
    goals = [["question", "measure", "target", "codes", *columns("label")]]
    for goal in definition.get("goals", ()):
        goals.append([goal["question"], goal.get("measure", ""), goal["target"],
                      " ".join(goal.get("codes", ())), *texts(goal["label"])])

    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False,
                                               "strings_to_urls": False, "strings_to_numbers": False})
    try:
        bold = workbook.add_format({"bold": True})
        for name, rows in (("survey", survey), ("choices", choices), ("settings", settings),
                           ("goals", goals)):
            sheet = workbook.add_worksheet(name)
            for number, row in enumerate(rows):
                for column, value in enumerate(row):
                    if value is None or value == "":
                        continue
                    if isinstance(value, int | float) and not isinstance(value, bool):
                        sheet.write_number(number, column, value, bold if number == 0 else None)
                    else:
                        sheet.write_string(number, column, str(value), bold if number == 0 else None)
    finally:
        workbook.close()

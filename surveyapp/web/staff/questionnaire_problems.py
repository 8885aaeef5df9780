"""A spreadsheet's problems in the staff user's language on the Enkäter page.

The engine names each problem in plain text for the command line ("survey row 4, column A
(type): unknown type 'geopoint'"); the page says where it is and what is wrong in words of its
own, through gettext. A problem the page has no words for is shown as the engine wrote it.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

#: "survey row 4, column A (type)", "survey row 4", "settings row 2: respondent"
WHERE = re.compile(r"^(?P<sheet>survey|choices|settings|goals) row (?P<row>\d+)"
                   r"(?:, column (?P<column>[A-Z]+|include)(?: \((?P<name>.*?)\))?)?: (?P<rest>.*)$", re.S)

#: the engine's wording -> the page's (named groups become the placeholders)
MESSAGES = [
    (r"no Swedish text", _l("ingen svensk text")),
    (r"unknown type '(?P<type>.*)'", _l("okänd typ ”%(type)s”")),
    (r"no choice list '(?P<list>.*)' in choices", _l("listan ”%(list)s” finns inte i choices")),
    (r"(?P<name>\w+) comes later \(row (?P<later>\d+)\); relevant can name only earlier questions",
     _l("%(name)s kommer senare (rad %(later)s); relevant kan bara nämna frågor ovanför")),
    (r"no question named (?P<name>\w+)", _l("det finns ingen fråga som heter %(name)s")),
    (r"(?P<name>\w+) is not a question with choices", _l("%(name)s är ingen fråga med svarsalternativ")),
    (r"the name (?P<name>\w+) is used twice \(also row (?P<other>\d+)\)",
     _l("namnet %(name)s används två gånger (även rad %(other)s)")),
    (r"code '(?P<code>.*)' is used twice in list (?P<list>.*)",
     _l("koden ”%(code)s” används två gånger i listan %(list)s")),
    (r"a formula; write the value itself", _l("en formel; skriv själva värdet")),
    (r"(?P<key>\w+): option code (?P<codes>.*) changed or removed under an existing question key; "
     r"give the question a new key",
     _l("%(key)s: svarskoden %(codes)s har ändrats eller tagits bort under en befintlig fråga; "
        "ge frågan ett nytt namn")),
    (r"(?P<key>\w+): row (?P<rows>.*) changed or removed under an existing question key; "
     r"give the question a new key",
     _l("%(key)s: raden %(rows)s har ändrats eller tagits bort under en befintlig fråga; "
        "ge frågan ett nytt namn")),
    (r"(?P<key>\w+): the type changed from (?P<old>\w+) to (?P<new>\w+) under an existing question key; "
     r"give the question a new key",
     _l("%(key)s: typen har ändrats från %(old)s till %(new)s under en befintlig fråga; "
        "ge frågan ett nytt namn")),
    (r"no type", _l("ingen typ")),
    (r"no name", _l("inget namn")),
    (r"no list name", _l("inget listnamn")),
    (r"no code \(name\)", _l("ingen kod (name)")),
    (r"no form_id \(the questionnaire's key\)", _l("inget form_id (enkätens nyckel)")),
    (r"no title \(form_title\)", _l("ingen titel (form_title)")),
    (r"surveyapp has no decimal numbers; ask for a whole number with integer",
     _l("surveyapp har inga decimaltal; fråga efter ett heltal med integer")),
    (r"surveyapp has no (?P<what>.*)", _l("surveyapp har ingen %(what)s")),
    (r"only a whole number range is understood: (?P<example>.*)",
     _l("bara ett intervall av heltal förstås, till exempel %(example)s")),
    (r"only a text or integer question takes a constraint",
     _l("bara en text- eller heltalsfråga kan ha en constraint")),
    (r"no language '(?P<code>.*)'; surveyapp has (?P<known>.*)",
     _l("inget språk ”%(code)s”; surveyapp har %(known)s")),
    (r"a second (?P<base>\w+) column in (?P<code>.*)", _l("en andra %(base)s-kolumn på %(code)s")),
    (r"code '(?P<code>.*)' may hold only lower-case a–z, digits, _, \+ and -",
     _l("koden ”%(code)s” får bara innehålla små a–z, siffror, _, + och -")),
    (r"(?P<name>\w+) is included twice", _l("%(name)s tas med två gånger")),
    (r"end_group without begin_group", _l("end_group utan begin_group")),
    (r"a begin_group has no end_group", _l("en begin_group saknar end_group")),
    (r"the name '(?P<name>.*)' must start with a lower-case a–z and hold only a–z, digits and _",
     _l("namnet ”%(name)s” måste börja med ett litet a–z och bara innehålla a–z, siffror och _")),
    (r"surveyapp shows or hides single questions, not groups",
     _l("surveyapp visar eller döljer enskilda frågor, inte grupper")),
    (r"a table inside a table", _l("en tabell i en tabell")),
    (r"a note is only read as the first row, the questionnaire's introduction",
     _l("en note läses bara på första raden, som enkätens inledning")),
    (r"surveyapp does not read '(?P<what>.*)'; add an option instead",
     _l("surveyapp läser inte ”%(what)s”; lägg till ett svarsalternativ i stället")),
    (r"a table holds only select_one rows", _l("en tabell innehåller bara select_one-rader")),
    (r"every row of table (?P<table>\w+) answers on list (?P<list>.*)",
     _l("varje rad i tabellen %(table)s svarar med listan %(list)s")),
    (r"a table's rows are shown together; put relevant on its begin_group",
     _l("en tabells rader visas tillsammans; sätt relevant på dess begin_group")),
    (r"a table's row has no hint; put it on its begin_group",
     _l("en tabellrad har ingen hint; sätt den på tabellens begin_group")),
    (r"only string-length\(\.\) <= N is understood", _l("bara string-length(.) <= N förstås")),
    (r"'(?P<text>.*)' is translated otherwise at (?P<sheet>\w+) row (?P<row>\d+)",
     _l("”%(text)s” är översatt på annat sätt i %(sheet)s, rad %(row)s")),
    (r"no question", _l("ingen fråga")),
    (r"'(?P<value>.*)' is not a number", _l("”%(value)s” är inget tal")),
    (r"(?P<key>\w+): the key is used twice", _l("%(key)s: namnet används två gånger")),
    (r"(?P<key>\w+): an option code is used twice", _l("%(key)s: en svarskod används två gånger")),
    (r"(?P<key>\w+): the minimum is larger than the maximum",
     _l("%(key)s: det minsta värdet är större än det största")),
    (r"no file _(?P<name>\w+)\.yaml", _l("det finns ingen fil _%(name)s.yaml")),
    (r"the questions marked (?P<name>\w+) differ from _\w+\.yaml; change them there",
     _l("frågorna märkta %(name)s skiljer sig från _%(name)s.yaml; ändra dem där")),
    (r"(?P<key>\w+): a scale needs the steps 1–5 in order \(other codes must be marked not_applicable\)",
     _l("%(key)s: en skala behöver stegen 1–5 i ordning (andra koder ska märkas not_applicable)")),
    (r"(?P<key>\w+): show_if code '(?P<code>.*)' is not an option of (?P<other>\w+)",
     _l("%(key)s: relevant nämner koden ”%(code)s”, som inte är ett svarsalternativ till %(other)s")),
    (r"(?P<key>\w+): positive code '(?P<code>.*)' is not one of the options",
     _l("%(key)s: den positiva koden ”%(code)s” är inget av svarsalternativen")),
    (r"(?P<key>\w+): option (?P<code>\S+): picture '(?P<file>.*)': no such file in pictures/",
     _l("%(key)s: alternativet %(code)s: bilden ”%(file)s” finns inte i pictures/")),
]
PATTERNS = [(re.compile(f"^{pattern}$", re.S), text) for pattern, text in MESSAGES]
FILE_MESSAGES = [
    (re.compile(r"^(?P<file>[^:]+): the file is (?P<kb>\d+) KB; "
                r"a questionnaire may be at most (?P<mb>\d+) MB$"),
     _l("%(file)s: filen är %(kb)s kB; en enkät får vara högst %(mb)s MB")),
    (re.compile(r"^(?P<file>[^:]+): not an Excel workbook \(\.xlsx\).*$", re.S),
     _l("%(file)s: ingen Excel-arbetsbok (.xlsx)")),
    (re.compile(r"^(?P<file>[^:]+): no sheet named survey.*$"),
     _l("%(file)s: det finns inget blad som heter survey (XLSForms frågor)")),
    (re.compile(r"^(?P<file>[^:]+): unpacks to .*zip bomb$"),
     _l("%(file)s: packas upp till orimligt mycket; vägras som en möjlig zip-bomb")),
    (re.compile(r"^(?P<sheet>\w+): more than (?P<n>\d+) rows; at most \d+ are read$"),
     _l("%(sheet)s: mer än %(n)s rader; högst %(n)s läses")),
]


def _message(rest: str) -> str:
    for pattern, text in PATTERNS:
        found = pattern.match(rest)
        if found:
            return str(text) % found.groupdict()
    return rest


def problem_text(problem: str) -> str:
    """One problem of a spreadsheet, e.g. "survey, rad 4, kolumn A (type): okänd typ ”geopoint”"."""
    found = WHERE.match(problem)
    if found is None:
        for pattern, text in FILE_MESSAGES:
            whole = pattern.match(problem)
            if whole:
                return str(text) % whole.groupdict()
        return problem
    values = found.groupdict()
    rest = _message(values["rest"])
    if values["column"] and values["name"]:
        return _("%(sheet)s, rad %(row)s, kolumn %(column)s (%(name)s): %(problem)s",
                 sheet=values["sheet"], row=values["row"], column=values["column"], name=values["name"],
                 problem=rest)
    if values["column"]:
        return _("%(sheet)s, rad %(row)s, kolumn %(column)s: %(problem)s", sheet=values["sheet"],
                 row=values["row"], column=values["column"], problem=rest)
    return _("%(sheet)s, rad %(row)s: %(problem)s", sheet=values["sheet"], row=values["row"], problem=rest)

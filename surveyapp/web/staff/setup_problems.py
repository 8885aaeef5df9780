"""A project set-up's problems in the staff user's language on the Projekt page.

The set-up's checks (``questionnaire.project``) name each problem for the command line, by its
place in the project file ("Cresco+: projektmal/0/delmal/1: goal: no questionnaire 'x'; known:
…"); the page says which projektmål and delmål and what is wrong in words of its own. A problem
the page has no words for is shown as the checks wrote it.
"""

from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

#: "NAME: projektmal/0/delmal/1: REST", "NAME: projektmal/2: REST", "NAME: questionnaires: REST"
WHERE = re.compile(r"^(?:[^:]*: )?projektmal/(?P<goal>\d+)(?:/delmal/(?P<part>\d+))?(?:/(?P<field>[\w/]+))?: "
                   r"(?P<rest>.*)$", re.S)

KIND = r"(?P<kind>goal|shift|reach|participants|manual)"
#: the checks' wording -> the page's (named groups become the placeholders)
MESSAGES = [
    (KIND + r": no questionnaire '(?P<questionnaire>.*)'; known: (?P<known>.*)",
     _l("det finns ingen enkät ”%(questionnaire)s”; enkäterna är %(known)s")),
    (r"a delmål is exactly one of (?P<kinds>.*) \(found (?P<found>.*)\)",
     _l("ett delmål är precis ett av %(kinds)s (här: %(found)s)")),
    (r"the row '(?P<key>.*)' is placed twice", _l("raden ”%(key)s” finns två gånger")),
    (r"targets/organisation: '(?P<group>.*)' is not one of the project's kommuner \((?P<known>.*)\)",
     _l("mål per kommun: ”%(group)s” är inte en av projektets kommuner (%(known)s)")),
    (r"targets/kon: '(?P<group>.*)' is not one of kvinna, man, annan",
     _l("mål per kön: ”%(group)s” är inte kvinna, man eller annan")),
    (r"a manual delmål needs a key \(a-z, 0-9 and _\)",
     _l("ett delmål som bedöms för hand behöver en nyckel (a–z, 0–9 och _)")),
    (r"reach: is avslutningsenkat or uppfoljning_6man",
     _l("räckvidd gäller avslutningsenkat eller uppfoljning_6man")),
    (r"shift: needs a target \(the smallest mean change that counts\)",
     _l("förändring: behöver ett målvärde (den minsta förändring av medelvärdet som räknas)")),
    (r"shift: (?P<questionnaire>\w+) has no question '(?P<question>.*)'",
     _l("förändring: %(questionnaire)s har ingen fråga ”%(question)s”")),
    (r"shift: (?P<question>.*) is not a scale question",
     _l("förändring: %(question)s är ingen skalfråga")),
    (r"goal: (?P<questionnaire>\w+) has no goal on '(?P<question>[^']*)' with codes (?P<codes>.*)",
     _l("mål: %(questionnaire)s har inget mål på ”%(question)s” med koderna %(codes)s")),
    (r"goal: (?P<questionnaire>\w+) has no goal on '(?P<question>[^']*)'",
     _l("mål: %(questionnaire)s har inget mål på ”%(question)s”")),
    (r"goal: (?P<questionnaire>\w+) has (?P<n>\d+) goals on '(?P<question>[^']*)'.*",
     _l("mål: %(questionnaire)s har %(n)s mål på ”%(question)s”; ange koderna (codes) för det som menas")),
    (r"'(?P<property>.*)' is a required property", _l("”%(property)s” saknas")),
    (r"'(?P<value>.*)' should be non-empty", _l("”%(value)s” får inte vara tomt")),
    (r"Additional properties are not allowed \((?P<what>.*) (?:was|were) unexpected\)",
     _l("okänt fält: %(what)s")),
]
PATTERNS = [(re.compile(f"^{pattern}$", re.S), text) for pattern, text in MESSAGES]


def setup_problem_text(problem: str) -> str:
    """One problem of a set-up, e.g. "Projektmål 1, delmål 2: det finns ingen enkät ”x”; …"."""
    found = WHERE.match(problem)
    rest = found["rest"] if found else problem
    for pattern, text in PATTERNS:
        match = pattern.match(rest)
        if match:
            rest = str(text) % match.groupdict()
            break
    if found is None:
        return _("Fel i upplägget: %(problem)s", problem=rest)
    goal = int(found["goal"]) + 1
    if found["part"] is None:
        return _("Projektmål %(goal)s: %(problem)s", goal=goal, problem=rest)
    return _("Projektmål %(goal)s, delmål %(part)s: %(problem)s", goal=goal, part=int(found["part"]) + 1,
             problem=rest)

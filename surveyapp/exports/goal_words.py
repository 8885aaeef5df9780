"""How the goal table's files (the Word document and the project workbook) word a row: its
label, target, figure, verdict and groups, in the reader's language (:class:`~.words.Words`).

Nothing here computes a figure: the words are made from the :class:`GoalTable`'s own."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

from babel import numbers as babel_numbers

from ..analysis.figures import Share
from ..analysis.goals import NEAR, GoalFigure
from ..analysis.project import VERDICTS, GoalTable, TableGoal, verdict_of
from ..questionnaire.messages import N_
from .labels import DASH, TOTAL
from .words import Words

#: the evaluator's scale in words (always shown with its colour, never the colour alone)
VERDICT_WORDS = {"uppnatt": N_("Uppnått"), "delvis": N_("Delvis uppnått"), "ej_uppnatt": N_("Ej uppnått"),
                 "osaker": N_("Osäker")}
#: fill colours of the scale: GRÖN, RÖD/GRÖN (orange), RÖD, and grey for osäker
VERDICT_FILLS = {"uppnatt": "C6EFCE", "delvis": "FFD8A8", "ej_uppnatt": "FFC7CE", "osaker": "E0E0E0"}
VERDICT_FONTS = {"uppnatt": "006100", "delvis": "7F3F00", "ej_uppnatt": "9C0006", "osaker": "333333"}
DIMENSION_NAMES = {"kon": N_("Kön"), "aldersgrupp": N_("Ålder"), "fodelseregion": N_("Födelseregion"),
                   "organisation": N_("Kommun")}
REGION_NAMES = {"sverige_norden": N_("Född i Sverige/Norden"), "utanfor_norden": N_("Född utanför Norden")}
REACH_NAMES = {"avslutningsenkat": N_("Avslutningsenkäten: svar av avslutade deltagare"),
               "uppfoljning_6man": N_("Uppföljningen efter sex månader: gjorda av dem som samtyckt")}
assert set(VERDICT_WORDS) == set(VERDICTS)


def _round(value: float, digits: int) -> Decimal:
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)


class GoalWords:
    """Words for one goal table's rows."""

    def __init__(self, table: GoalTable, words: Words):
        self.table = table
        self.words = words
        self._ = words.message

    def setup_line(self) -> str | None:
        """The project and the version of its set-up the table was computed from, as the goal
        table page says it; None for a table read from the project file without a name."""
        _ = self._
        table = self.table
        if table.setup_version:
            return _("%(project)s, projektets upplägg version %(n)s.") % {
                "project": table.project_name, "n": table.setup_version}
        if table.project_name:
            return _("Projekt: %(project)s.") % {"project": table.project_name}
        return None

    def reach_lines(self, reach, comparison=None) -> list[tuple[str, Share | None, Share | None]]:
        """A reach table's lines: (group name, share, the share at the earlier date)."""
        before = comparison.earlier_reach(reach.questionnaire) if comparison is not None else None
        lines = [(self._(TOTAL), reach.total, before.total if before else None)]
        for dim, groups in reach.by.items():
            earlier_groups = before.by.get(dim, {}) if before else {}
            lines += [(f"{self.dimension(dim)}: {self.group(dim, group)}", share, earlier_groups.get(group))
                      for group, share in groups.items()]
        return lines

    # numbers -------------------------------------------------------------------------------
    def number(self, value: float | int | None, digits: int = 0) -> str:
        if value is None:
            return DASH
        pattern = "#,##0" + ("." + "0" * digits if digits else "")
        return babel_numbers.format_decimal(_round(value, digits), format=pattern, locale=self.words.locale)

    def pct(self, value: float | None) -> str:
        """A percentage 0–100, half-up to a whole number (Swedish: 84 %)."""
        if value is None:
            return DASH
        return babel_numbers.format_percent(_round(value, 0) / 100, locale=self.words.locale)

    def signed(self, value: float | None, digits: int = 2) -> str:
        if value is None:
            return DASH
        text = self.number(value, digits)
        return "+" + text if _round(value, digits) > 0 else text.replace("-", "−")

    def share(self, share: Share | None) -> str:
        """84 % (42 av 50); 0 of 0 is a dash."""
        if share is None or share.n == 0:
            return DASH
        return self._("%(pct)s (%(k)s av %(n)s)") % {"pct": self.pct(share.pct), "k": self.number(share.k),
                                                    "n": self.number(share.n)}

    # rows ----------------------------------------------------------------------------------
    def label(self, goal: TableGoal) -> str:
        if goal.domain == "messages":
            return self._(goal.label)
        if goal.domain == "questionnaires":
            return self.words.questionnaire(goal.label)
        return goal.label

    def section(self, title: str | None) -> str | None:
        """A projektmål's title: the project file's own words (Övriga mål is the interface's)."""
        if title is None:
            return None
        from ..analysis.project import OTHER_GOALS

        return self._(title) if title == OTHER_GOALS else title

    def target(self, goal: TableGoal) -> str:
        target = goal.target
        if target is None or goal.manual:
            return DASH
        if isinstance(target, tuple):
            text = self._("%(low)s–%(high)s %%") % {"low": self.number(target[0]),
                                                    "high": self.number(target[1])}
        elif goal.measure == "participants":
            text = self.number(target)
        elif goal.is_percentage:
            text = self._("minst %(target)s") % {"target": self.pct(target)}
        else:
            text = self._("över %(value)s") % {"value": self.number(target, 2)}
        if goal.target_of:
            text = self._("%(target)s (mål för %(whose)s)") % {"target": text,
                                                                "whose": ", ".join(goal.target_of)}
        return text

    def figure(self, goal: TableGoal, figure: GoalFigure | None, target: float | None = None) -> str:
        """The row's value as the page writes it: 84 % (42 av 50); 312 av 500; +0,45 (KI …)."""
        if goal.manual or figure is None:
            return DASH
        if figure.suppressed:
            return DASH
        if figure.share is not None:
            return self.share(figure.share)
        if goal.measure == "participants":
            count = self.number(figure.n or 0)
            if target:
                return self._("%(k)s av %(n)s") % {"k": count, "n": self.number(target)}
            return count
        if figure.delta is None:
            return DASH
        parts = [f"n = {self.number(figure.n)}"]
        if figure.ci95 is not None:
            parts.insert(0, self._("KI %(low)s till %(high)s") % {"low": self.number(figure.ci95[0], 2),
                                                                 "high": self.number(figure.ci95[1], 2)})
        return f"{self.signed(figure.delta)} ({'; '.join(parts)})"

    def total(self, goal: TableGoal) -> str:
        counted = goal.measure == "participants" and not isinstance(goal.target, tuple)
        target = goal.target if counted else None
        return self.figure(goal, goal.total, target)

    def points(self, change: float | None) -> str:
        """A change of a percentage, in percentage points."""
        if change is None:
            return DASH
        return self._("%(change)s procentenheter") % {"change": self.signed(change, 0)}

    def change(self, goal: TableGoal, change: float | None) -> str:
        """A change between two dates in the row's own unit."""
        if change is None:
            return DASH
        if goal.total.share is not None or goal.is_percentage:
            return self.points(change)
        if goal.measure == "participants":
            return self.signed(change, 0)
        return self.signed(change, 2)

    def verdict(self, goal: TableGoal, found) -> str | None:
        """The row's verdict key: projektledning's bedömning when on the scale, else the proposal."""
        return verdict_of(goal.total.status, found.assessment if found else None)

    def verdict_word(self, verdict: str | None) -> str:
        return self._(VERDICT_WORDS[verdict]) if verdict else DASH

    def own_assessment(self, found) -> str:
        """Projektledning's bedömning in its own words, when it is not on the scale
        (e.g. "troligen uppnått")."""
        text = (found.assessment or "").strip() if found else ""
        return "" if not text or text in VERDICTS else text

    # groups --------------------------------------------------------------------------------
    def dimension(self, dim: str) -> str:
        return self._(DIMENSION_NAMES.get(dim, dim))

    def group(self, dim: str, group: str) -> str:
        """A group's name: a kommun's name, or the background question's option label."""
        if dim == "organisation":
            return group
        if dim == "fodelseregion" and group in REGION_NAMES:
            return self._(REGION_NAMES[group])
        for report in self.table.reports.values():
            question = next((q for q in report.questionnaire.questions if q.key == dim), None)
            option = question.option(group) if question is not None else None
            if option is not None:
                return self.words.questionnaire(option.label)
        return group

    def questionnaire(self, key: str | None) -> str:
        """A questionnaire's title (register goals: the participant register)."""
        if key is None:
            return self._("Deltagarregistret")
        report = self.table.reports.get(key)
        return self.words.questionnaire(report.questionnaire.title) if report else key

    def question(self, goal: TableGoal) -> str:
        """The full text of the row's question ("" for register and manual rows)."""
        if goal.questionnaire is None or goal.question is None:
            return ""
        report = self.table.reports.get(goal.questionnaire)
        if report is None:
            return ""
        question = next((q for q in report.questionnaire.questions if q.key == goal.question), None)
        return self.words.question(question) if question is not None else ""

    def codes(self, goal: TableGoal) -> str:
        """The answers a share counts, by their labels: "Bra", "Arbete eller studier"."""
        if not goal.codes or goal.questionnaire is None:
            return ""
        report = self.table.reports.get(goal.questionnaire)
        question = None if report is None else next(
            (q for q in report.questionnaire.questions if q.key == goal.question), None)
        if question is None:
            return ""
        return ", ".join(self.words.option(question, code) for code in goal.codes)

    def reach_name(self, questionnaire: str) -> str:
        name = REACH_NAMES.get(questionnaire)
        return self._(name) if name else self.questionnaire(questionnaire)

    def day(self, value: date | None) -> str:
        """A table's date (None: it stands at today)."""
        return self.words.day(value or date.today())

    def method_notes(self) -> list[str]:
        """The short method note under the table: thresholds, reach and shifts."""
        _ = self._
        return [
            _("Andelar räknas som k av n: n är de som fått frågan och svarat något annat än ett "
              "svar som inte räknas (Vill inte svara, Vet ej, Jag har ingen handläggare); k är de "
              "som svarat något av de svar målet räknar. Procent avrundas till hela tal."),
            _("Ett mål är uppnått när värdet når målvärdet och delvis uppnått när det ligger högst "
              "%(near)s procentenheter under. Grupper med färre än %(n)s personer visas som %(dash)s "
              "och räknas inte per grupp, men ingår i totalen.") % {"near": NEAR, "n": self.table.threshold,
                                                                   "dash": DASH},
            _("Räckvidd: andelen avslutade deltagare (enligt deltagarregistret) vars deltagarkod "
              "finns på ett svar på avslutningsenkäten, och andelen av dem som samtyckt till "
              "uppföljning som följts upp efter sex månader. Svar utan deltagarkod, eller med en "
              "kod som inte hör till en avslutad deltagare, räknas inte."),
            _("Förändringar: progressionskortet jämför varje deltagares första och senaste "
              "skattning (medelvärdet av skillnaderna per person, med 95 % konfidensintervall); "
              "samverkan jämför medelvärdet vid två mättillfällen (Welch). Ett förändringsmål är "
              "uppnått först när hela konfidensintervallet ligger över målvärdet, och osäkert när "
              "skattningen passerar målvärdet men intervallet inte gör det."),
            _("Bedömningen är projektledningens där den finns; annars är den förslaget som följer av "
              "siffran. Färgerna: grön uppnått, orange (röd/grön) delvis uppnått, röd ej uppnått, "
              "grå osäker."),
        ]

"""Open (free-text) answers of a report's selection, and the themes projektledning tags them
with. Reads list a page at a time, newest first; writes flush and never commit."""

from __future__ import annotations

import unicodedata
from collections.abc import Collection, Iterator, Sequence

from sqlalchemy import and_, false, func, or_, select

from ..analysis.open_answers import Listing, OpenAnswer, OpenAnswerSheet, Shown, Theme
from ..extensions import db
from ..models import Answer, AnswerTag, AnswerTheme, Organisation, Response, Round
from ..questionnaire import Message, Questionnaire
from ..questionnaire.messages import N_
from .frames import selection

#: answers listed per page
PAGE_SIZE = 20
#: the longest theme name
THEME_NAME_LENGTH = 100

NAME_REQUIRED = N_("Skriv temats namn.")
NAME_TOO_LONG = N_("Temats namn får vara högst %(max)s tecken.")
NAME_TAKEN = N_("Det finns redan ett tema som heter ”%(name)s”.")
THEME_IN_USE = N_("Temat ”%(name)s” används på %(count)s svar. Kryssa i att taggarna ska tas bort "
                  "för att ta bort temat ändå.")


class ThemeError(ValueError):
    """A theme could not be stored; ``message`` says why in the reader's language."""

    def __init__(self, message: Message):
        super().__init__(message.msgid)
        self.message = message


def text_questions(questionnaire: Questionnaire) -> list[str]:
    """The keys of the questionnaire's free-text questions, in its order."""
    return [q.key for q in questionnaire.questions if q.type == "text"]


def _conditions(questionnaire_key: str, chosen: dict) -> list:
    """The conditions on responses of the selection (see :func:`frames.selection`)."""
    _, _, conditions = selection(questionnaire_key, **chosen)
    return conditions


def shown_groups(conditions: list, threshold: int) -> Shown:
    """Which (round, kommun) cells of the selection (``conditions`` on responses) may have
    their answers listed."""
    rows = db.session.execute(
        select(Response.round_id, Response.organisation_id, func.count())
        .where(*conditions).group_by(Response.round_id, Response.organisation_id)
    ).all()
    return Shown.decide({(r, o): n for r, o, n in rows}, threshold)


def _listed(shown: Shown):
    """The condition that keeps the answers of the cells that may be listed."""
    if not shown.listed:
        return false()
    by_round: dict[int, list[int]] = {}
    for round_id, organisation_id in sorted(shown.listed):
        by_round.setdefault(round_id, []).append(organisation_id)
    return or_(*(and_(Response.round_id == r, Response.organisation_id.in_(orgs))
                 for r, orgs in by_round.items()))


def _answer_query(question: str, conditions: list):
    has_text = and_(Answer.question_key == question, Answer.text.is_not(None), Answer.text != "")
    return (select(Answer.id, Response.submitted_at, Round.name, Organisation.name, Answer.text)
            .join(Response, Response.id == Answer.response_id)
            .join(Round, Round.id == Response.round_id)
            .join(Organisation, Organisation.id == Response.organisation_id)
            .where(*conditions, has_text))


def _themes_of(answer_ids: Sequence[int]) -> dict[int, tuple[int, ...]]:
    found: dict[int, list[int]] = {}
    if answer_ids:
        rows = db.session.execute(
            select(AnswerTag.answer_id, AnswerTag.theme_id)
            .join(AnswerTheme, AnswerTheme.id == AnswerTag.theme_id)
            .where(AnswerTag.answer_id.in_(list(answer_ids)))
            .order_by(func.lower(AnswerTheme.name), AnswerTheme.id)
        ).all()
        for answer_id, theme_id in rows:
            found.setdefault(answer_id, []).append(theme_id)
    return {k: tuple(v) for k, v in found.items()}


def list_answers(questionnaire_key: str, question: str, chosen: dict, threshold: int,
                 page: int = 1, page_size: int = PAGE_SIZE, theme_id: int | None = None) -> Listing:
    """One page of a free-text question's answers in a selection (``chosen``: as
    :meth:`ReportParams.chosen_answers`), newest first, with the counts per theme; small
    groups' answers are left out and counted. ``theme_id`` lists only answers with that theme."""
    conditions = _conditions(questionnaire_key, chosen)
    shown = shown_groups(conditions, threshold)
    everything = _answer_query(question, conditions).subquery()
    given = db.session.scalar(select(func.count()).select_from(everything)) or 0
    listed = [*conditions, _listed(shown)]
    base = _answer_query(question, listed).subquery()
    total = db.session.scalar(select(func.count()).select_from(base)) or 0
    counts = dict(db.session.execute(
        select(AnswerTag.theme_id, func.count()).join(base, base.c.id == AnswerTag.answer_id)
        .group_by(AnswerTag.theme_id)
    ).all())
    tagged = db.session.scalar(
        select(func.count(func.distinct(AnswerTag.answer_id))).join(base, base.c.id == AnswerTag.answer_id)
    ) or 0
    query = _answer_query(question, listed)
    matching = total
    if theme_id is not None:
        query = query.where(Answer.id.in_(select(AnswerTag.answer_id).where(AnswerTag.theme_id == theme_id)))
        matching = counts.get(theme_id, 0)
    pages = max(1, -(-matching // page_size))
    page = min(max(page, 1), pages)
    rows = db.session.execute(
        query.order_by(Response.submitted_at.desc(), Answer.id.desc())
        .limit(page_size).offset((page - 1) * page_size)
    ).all()
    themes = _themes_of([r[0] for r in rows])
    answers = tuple(OpenAnswer(id_, question, at, round_, organisation, text, themes.get(id_, ()))
                    for id_, at, round_, organisation, text in rows)
    return Listing(question=question, answers=answers, total=matching, page=page, pages=pages,
                   respondents=shown.respondents, too_few=shown.too_few, withheld=given - total,
                   theme_counts=counts, untagged=total - tagged)


def all_answers(questionnaire_key: str, questions: Collection[str], chosen: dict,
                threshold: int) -> Iterator[OpenAnswer]:
    """Every listable answer to ``questions`` in a selection, newest first (the workbook)."""
    conditions = _conditions(questionnaire_key, chosen)
    shown = shown_groups(conditions, threshold)
    for question in questions:
        rows = db.session.execute(
            _answer_query(question, [*conditions, _listed(shown)])
            .order_by(Response.submitted_at.desc(), Answer.id.desc())
        ).all()
        for start in range(0, len(rows), 500):
            chunk = rows[start:start + 500]
            themes = _themes_of([r[0] for r in chunk])
            for id_, at, round_, organisation, text in chunk:
                yield OpenAnswer(id_, question, at, round_, organisation, text, themes.get(id_, ()))


def answer_sheet(questionnaire: Questionnaire, chosen: dict, threshold: int) -> OpenAnswerSheet | None:
    """The workbook's open answers of a selection; None when the questionnaire has no
    free-text question."""
    questions = text_questions(questionnaire)
    if not questions:
        return None
    return OpenAnswerSheet(themes={t.id: t.name for t in themes(chosen.get("project_id"))},
                           answers=list(all_answers(questionnaire.key, questions, chosen, threshold)))


# themes -------------------------------------------------------------------------------------
def themes(project_id: int | None = None) -> list[Theme]:
    """Every theme of the project, by name."""
    query = select(AnswerTheme.id, AnswerTheme.name)
    if project_id is not None:
        query = query.where(AnswerTheme.project_id == project_id)
    rows = db.session.execute(query.order_by(func.lower(AnswerTheme.name), AnswerTheme.id))
    return [Theme(id_, name) for id_, name in rows]


def tag_counts() -> dict[int, int]:
    """Theme id → answers tagged with it, in every selection."""
    return dict(db.session.execute(
        select(AnswerTag.theme_id, func.count()).group_by(AnswerTag.theme_id)).all())


def _clean_name(name: str, keep: int | None = None, project_id: int | None = None) -> str:
    """The name as stored: control characters and runs of spaces become one space."""
    name = "".join(" " if unicodedata.category(c) == "Cc" else c for c in name or "")
    name = " ".join(name.split())
    if not name:
        raise ThemeError(Message(NAME_REQUIRED))
    if len(name) > THEME_NAME_LENGTH:
        raise ThemeError(Message(NAME_TOO_LONG, {"max": THEME_NAME_LENGTH}))
    same_name = select(AnswerTheme).where(func.lower(AnswerTheme.name) == name.lower())
    if project_id is not None:
        same_name = same_name.where(AnswerTheme.project_id == project_id)
    same = db.session.scalar(same_name)
    if same is not None and same.id != keep:
        raise ThemeError(Message(NAME_TAKEN, {"name": same.name}))
    return name


def create_theme(name: str, project_id: int | None = None) -> AnswerTheme:
    if project_id is None:
        from ..models import sole_project_id

        project_id = sole_project_id()
    theme = AnswerTheme(name=_clean_name(name, project_id=project_id), project_id=project_id)
    db.session.add(theme)
    db.session.flush()
    return theme


def rename_theme(theme: AnswerTheme, name: str) -> str:
    """Renames the theme; returns its former name."""
    before = theme.name
    theme.name = _clean_name(name, keep=theme.id, project_id=theme.project_id)
    db.session.flush()
    return before


def delete_theme(theme: AnswerTheme, remove_tags: bool = False) -> int:
    """Deletes the theme; one in use only with ``remove_tags``. Returns the tags removed."""
    used = db.session.scalar(select(func.count()).where(AnswerTag.theme_id == theme.id)) or 0
    if used and not remove_tags:
        raise ThemeError(Message(THEME_IN_USE, {"name": theme.name, "count": used}))
    db.session.delete(theme)
    db.session.flush()
    return used


def open_answer(answer_id: int, organisation_ids: Collection[int] | None,
                project_id: int | None = None) -> Answer | None:
    """A free-text answer by id, when it is one, its kommun is among ``organisation_ids``
    (None: any) and it was given in the project's round."""
    answer = db.session.get(Answer, answer_id)
    if answer is None or answer.text is None or answer.code is not None:
        return None
    if project_id is not None and answer.response.round.project_id != project_id:
        return None
    if organisation_ids is not None and answer.response.organisation_id not in organisation_ids:
        return None
    return answer


def set_tags(answer: Answer, theme_ids: Collection[int]) -> tuple[list[str], list[str]]:
    """Tags the answer with exactly these themes (unknown ids are ignored); returns the names
    added and removed."""
    known = {t.id: t for t in db.session.scalars(
        select(AnswerTheme).where(AnswerTheme.project_id == answer.response.round.project_id))}
    wanted = {i for i in theme_ids if i in known}
    have = set(db.session.scalars(select(AnswerTag.theme_id).where(AnswerTag.answer_id == answer.id)))
    for theme_id in wanted - have:
        db.session.add(AnswerTag(answer_id=answer.id, theme_id=theme_id))
    for tag in db.session.scalars(select(AnswerTag).where(
            AnswerTag.answer_id == answer.id, AnswerTag.theme_id.in_(list(have - wanted) or [-1]))):
        db.session.delete(tag)
    db.session.flush()
    return ([known[i].name for i in sorted(wanted - have)], [known[i].name for i in sorted(have - wanted)])

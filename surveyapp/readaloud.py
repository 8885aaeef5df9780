"""The texts a participant can hear: what each speaker button reads, and every text to record.

A recording belongs to the exact words it reads: ``text_hash`` of the text as the participant
page shows it in that language. The participant page and the recording page compose the
texts with the same functions here, so a recording made on one plays on the other, and a
changed text or translation gives a new hash (the old recording is then stale, not played).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _

from .i18n import LANGUAGES, qtext
from .questionnaire import Questionnaire
from .questionnaire.extract import text_hash
from .questionnaire.model import Option, Question
from .translations import participant_interface_texts


def spoken_intro(questionnaire: Questionnaire) -> str:
    return qtext(questionnaire.title) + ". " + qtext(questionnaire.intro)


def spoken_question(q: Question) -> str:
    """A question with its help (a matrix: the question alone)."""
    text = qtext(q.text)
    if q.help and q.type != "matrix":
        text += " " + qtext(q.help)
    return text


def spoken_option(option: Option) -> str:
    label = qtext(option.label)
    return label + (". " + qtext(option.help) if option.help else "")


@dataclass(frozen=True)
class SpokenText:
    """One text to record: as shown in the language, and where a participant meets it."""

    text: str
    #: the Swedish source, for staff who do not read the language
    source: str
    #: where the text is used, e.g. ``mar_battre``, ``mar_battre 5``, ``Gränssnitt``
    places: tuple[str, ...]

    @property
    def hash(self) -> str:
        return text_hash(self.text)


def spoken_texts(questionnaire: Questionnaire, language: str) -> list[SpokenText]:
    """Every text a participant of ``questionnaire`` meets in ``language``, one entry per text.

    The questionnaire's own texts (intro, questions, options and scale steps), the language's
    name on the first screen, and every participant interface text (buttons, error and
    thank-you texts, ...) without placeholders; the same words in two places are one entry.
    """
    found: dict[str, tuple[str, str, list[str]]] = {}

    def add(text: str, source: str, place: str) -> None:
        if not text.strip():
            return
        entry = found.setdefault(text_hash(text), (text, source, []))
        entry[2].append(place)

    interface = participant_interface_texts(current_app.config["BABEL_TRANSLATION_DIRECTORIES"])
    with force_locale(language):
        add(LANGUAGES[language], LANGUAGES[language], _("Språkvalet"))
        if questionnaire.intro:
            add(spoken_intro(questionnaire),
                questionnaire.title + ". " + questionnaire.intro, _("Inledning"))
        for q in questionnaire.questions:
            source = q.text + (" " + q.help if q.help and q.type != "matrix" else "")
            add(spoken_question(q), source, q.key)
            if q.type == "matrix":
                continue
            for option in q.options:
                add(spoken_option(option), option.label + (". " + option.help if option.help else ""),
                    f"{q.key} {option.code}")
        place = _("Knappar, fel och tack")
        for msgid in interface:
            if "%(" in msgid:
                continue  # a sentence with a number or name in it cannot be one recording
            add(_(msgid), msgid, place)
    return [SpokenText(text, source, tuple(places)) for text, source, places in found.values()]

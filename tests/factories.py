"""Small factories for tests: organisations, rounds, links and complete answer sets."""

from __future__ import annotations

from surveyapp.extensions import db
from surveyapp.services.organisations import add_organisations
from surveyapp.services.rounds import get_or_create_link, get_or_create_round


def organisation(name: str = "Mariestad", kind: str = "kommun"):
    org = add_organisations([name], kind)[0][0]
    db.session.commit()
    return org


def round_(questionnaire: str = "avslutningsenkat", name: str = "Mättillfälle 1"):
    r = get_or_create_round(questionnaire, name)[0]
    db.session.commit()
    return r


def link(questionnaire: str = "avslutningsenkat", org_name: str = "Mariestad", role: str | None = None,
         round_name: str = "Mättillfälle 1"):
    lnk = get_or_create_link(round_(questionnaire, round_name), organisation(org_name), role)
    db.session.commit()
    return lnk


#: a complete, valid avslutningsenkät in which diskriminering is not shown
AVSLUTNINGSENKAT = {
    "kon": "kvinna",
    "aldersgrupp": "25-29",
    "fodelseregion": "utanfor_norden",
    "bemotande_samordnare": "bra",
    "bemotande_handlaggare": "ingen",
    "tro_formaga": "5",
    "mar_battre": "4",
    "kommentar": "Bra stöd hela vägen.",
}


def user(email: str = "samordnare@mariestad.example", role: str = "samordnare",
         organisations: tuple[str, ...] | list[str] | None = None, password: str | None = None):
    """A staff account; a samordnare belongs to Mariestad unless ``organisations`` says otherwise.

    Without ``password`` the account has none (tests log in with :func:`login`).
    """
    from surveyapp.services.accounts import create_account

    if organisations is None:
        organisations = ("Mariestad",) if role == "samordnare" else ()
    account = create_account(email, role, [organisation(name) for name in organisations], password=password)
    db.session.commit()
    return account


def login(client, account) -> None:
    """Logs ``account`` in on the test client, as a successful login would."""
    import time

    with client.session_transaction() as session:
        session["_user_id"] = account.get_id()
        session["_fresh"] = True
        session["staff_seen"] = int(time.time())


#: the smallest audio files of each kind the upload check recognises
MP3 = b"ID3\x03\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x00" + b"\x00" * 400
OGG = b"OggS" + b"\x00" * 64


def recording(text: str, language: str, data: bytes = MP3, questionnaire: str | None = "avslutningsenkat",
              published: bool = True):
    """A recording of ``text`` (exactly as the page shows it in ``language``), published by default."""
    from surveyapp.readaloud import SpokenText
    from surveyapp.services.recordings import publish, store_recording

    spoken = SpokenText(text, text, ())
    stored = store_recording(data, language, spoken, questionnaire)
    if published:
        publish(language, spoken.hash)
    db.session.commit()
    return stored


def translate_questionnaire(language: str, text: str) -> str:
    """A questionnaire text as the shipped catalog translates it."""
    from flask_babel import force_locale

    from surveyapp.i18n import qtext

    with force_locale(language):
        return qtext(text)


def spoken(language: str, what, *args) -> str:
    """What a speaker button reads in ``language``: ``what`` is a function of surveyapp.readaloud."""
    from flask_babel import force_locale

    with force_locale(language):
        return what(*args)


def export(client, url: str, query_string=None):
    """Starts an Excel export as the report page's button does, lets the job run to its end
    and downloads the file: the file's response, or the response that refused to start."""
    from flask import current_app

    from surveyapp.services.jobs import wait_for_jobs

    started = client.post(url, query_string=query_string)
    if started.status_code != 303:
        return started
    page = started.headers["Location"]
    wait_for_jobs(current_app._get_current_object())
    state = client.get(page + "/status").get_json()
    assert state["status"] == "done", state
    return client.get(state["file"])


def new_version(key: str, old: str, new: str):
    """Stores a new current version of questionnaire ``key`` whose Swedish text ``old`` reads ``new``."""
    import json

    from surveyapp.models import QuestionnaireVersion
    from surveyapp.questionnaire.loader import content_hash
    from surveyapp.services.questionnaires import current_version

    version = current_version(key)
    text = json.dumps(version.definition, ensure_ascii=False)
    assert json.dumps(old, ensure_ascii=False) in text
    definition = json.loads(text.replace(json.dumps(old, ensure_ascii=False),
                                         json.dumps(new, ensure_ascii=False)))
    version.is_current = False
    changed = QuestionnaireVersion(questionnaire_key=key, content_hash=content_hash(definition),
                                   definition=definition, is_current=True)
    db.session.add(changed)
    db.session.commit()
    return changed


def set_translation(key: str, language: str, source: str, translation: str, reviewed: bool = False,
                    by: str = "test"):
    """Saves the translation of one Swedish text of questionnaire ``key``'s current version."""
    from surveyapp.questionnaire.extract import text_hash
    from surveyapp.services.questionnaires import current_version, definition_of
    from surveyapp.services.texts import save_translation

    saved = save_translation(definition_of(current_version(key)), language, text_hash(source), translation,
                             reviewed, by)
    db.session.commit()
    return saved.row

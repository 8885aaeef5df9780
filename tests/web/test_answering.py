"""Answering a questionnaire through its link, as a participant on a tablet would."""

from __future__ import annotations

import re
import uuid

import pytest
from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.models import Answer, Response
from tests import factories
from tests.factories import AVSLUTNINGSENKAT


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _post(client, link, data, language="sv", response_uuid=None):
    body = {"response_uuid": response_uuid or str(uuid.uuid4()), **data}
    return client.post(f"/s/{link.token}/{language}", data=body)


def refused_page(client, result):
    """A refused post redirects to the form with a draft; the page shows the errors."""
    assert result.status_code == 302
    assert "utkast=" in result.location
    page = client.get(result.location)
    assert page.status_code == 200
    return page


def test_link_opens_language_choice(client):
    link = factories.link()
    page = client.get(f"/s/{link.token}")
    assert page.status_code == 200
    assert "Svenska" in page.text
    assert f"/s/{link.token}/sv" in page.text


def test_form_shows_every_question_with_its_swedish_wording(client):
    link = factories.link()
    page = client.get(f"/s/{link.token}/sv")
    assert page.status_code == 200
    for text in (
        "Hur har du blivit bemött av din samordnare?",
        "Min samordnare tror på att jag kan få ett arbete.",
        "Hur mår du nu jämfört med innan du började i projektet?",
        "Vill du berätta något mer?",
        "Var är du född?",
    ):
        assert text in page.text
    assert page.headers["Cache-Control"] == "no-store"
    assert 'autocomplete="off"' in page.text


def test_full_submission_stores_exactly_the_answers(client):
    link = factories.link()
    response_id = str(uuid.uuid4())
    result = _post(client, link, AVSLUTNINGSENKAT, response_uuid=response_id)
    assert result.status_code == 302
    assert result.headers["Location"].endswith(f"/s/{link.token}/sv/tack")

    response = db.session.scalar(select(Response))
    assert response.uuid == response_id
    assert response.language == "sv"
    assert response.channel == "self"
    assert response.organisation.name == "Mariestad"
    assert response.round.name == "Mättillfälle 1"
    stored = {
        (a.question_key, a.row_key): (a.code, a.number, a.text)
        for a in db.session.scalars(select(Answer).filter_by(response_id=response.id))
    }
    assert stored == {
        ("kon", ""): ("kvinna", None, None),
        ("aldersgrupp", ""): ("25-29", None, None),
        ("fodelseregion", ""): ("utanfor_norden", None, None),
        ("bemotande_samordnare", ""): ("bra", None, None),
        ("bemotande_handlaggare", ""): ("ingen", None, None),
        ("tro_formaga", ""): ("5", 5, None),
        ("mar_battre", ""): ("4", 4, None),
        ("kommentar", ""): (None, None, "Bra stöd hela vägen."),
    }

    thanks = client.get(result.headers["Location"])
    assert "Tack för dina svar!" in thanks.text
    assert "Starta en ny enkät" in thanks.text
    # an open link is often answered on one's own phone: no tablet to hand back
    assert "Du kan stänga sidan." in thanks.text and "surfplattan" not in thanks.text


def test_discrimination_question_is_stored_after_a_poor_reception(client):
    link = factories.link()
    data = {**AVSLUTNINGSENKAT, "bemotande_handlaggare": "daligt"}
    result = client.post(
        f"/s/{link.token}/sv",
        data={**data, "response_uuid": str(uuid.uuid4()), "diskriminering": ["etnicitet", "religion"]},
    )
    assert result.status_code == 302
    codes = db.session.scalars(select(Answer.code).filter_by(question_key="diskriminering")).all()
    assert sorted(codes) == ["etnicitet", "religion"]


def test_discrimination_answer_after_a_good_reception_is_refused(client):
    link = factories.link()
    result = refused_page(client, _post(client, link, {**AVSLUTNINGSENKAT, "diskriminering": "kon"}))
    assert "gäller inte dig" in result.text
    assert _count(Response) == 0


def test_missing_answers_are_shown_next_to_their_questions(client):
    link = factories.link()
    data = dict(AVSLUTNINGSENKAT)
    del data["tro_formaga"], data["kon"]
    result = refused_page(client, _post(client, link, data))
    # summary and question, twice (the form's rules for the browser name it once more)
    shown = re.sub(r"data-rules='[^']*'", "", result.text)
    assert shown.count("Svara på frågan.") == 4
    assert 'href="#q-tro_formaga"' in result.text
    # what was answered is kept
    assert 'value="25-29" checked' in result.text
    assert _count(Response) == 0 and _count(Answer) == 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"tro_formaga": "7"}, "finns inte bland svarsalternativen"),
        ({"bemotande_samordnare": ["bra", "daligt"]}, "Välj bara ett svar."),
        ({"kommentar": "x" * 1001}, "högst 1000 tecken"),
        ({"response_uuid": "not-a-uuid"}, "inte ett giltigt UUID"),
    ],
)
def test_bad_input_is_refused_with_nothing_stored(client, change, message):
    link = factories.link()
    data = {"response_uuid": str(uuid.uuid4()), **AVSLUTNINGSENKAT, **change}
    result = refused_page(client, client.post(f"/s/{link.token}/sv", data=data))
    assert message in result.text
    assert _count(Response) == 0 and _count(Answer) == 0


def test_the_same_uuid_with_the_same_answers_is_stored_once(client):
    link = factories.link()
    response_id = str(uuid.uuid4())
    first = _post(client, link, AVSLUTNINGSENKAT, response_uuid=response_id)
    second = _post(client, link, AVSLUTNINGSENKAT, response_uuid=response_id)
    assert first.status_code == second.status_code == 302
    assert "/tack" in second.location
    assert _count(Response) == 1


def test_the_same_uuid_with_other_answers_is_stored_as_a_new_response(client):
    """Nobody is thanked for answers that were not stored: other answers under a used uuid
    are another response, kept under a new uuid."""
    link = factories.link()
    response_id = str(uuid.uuid4())
    _post(client, link, AVSLUTNINGSENKAT, response_uuid=response_id)
    second = _post(client, link, {**AVSLUTNINGSENKAT, "mar_battre": "1"}, response_uuid=response_id)
    assert second.status_code == 302 and "/tack" in second.location
    assert _count(Response) == 2
    stored = dict(db.session.execute(
        select(Response.uuid, Answer.code).join(Answer).filter(Answer.question_key == "mar_battre")
    ).all())
    assert stored[response_id] == "4"
    [(other_uuid, code)] = [(u, c) for u, c in stored.items() if u != response_id]
    assert code == "1" and uuid.UUID(other_uuid)


def test_unknown_link_is_404(client):
    factories.link()
    assert client.get("/s/nosuchlink").status_code == 404
    result = client.post("/s/nosuchlink/sv", data={"response_uuid": str(uuid.uuid4()), **AVSLUTNINGSENKAT})
    assert result.status_code == 404
    assert "Länken finns inte" in result.text
    assert _count(Response) == 0


def test_closed_round_is_410_and_stores_nothing(client):
    link = factories.link()
    link.round.close()
    db.session.commit()
    assert client.get(f"/s/{link.token}").status_code == 410
    result = _post(client, link, AVSLUTNINGSENKAT)
    assert result.status_code == 410
    assert "stängd" in result.text
    assert _count(Response) == 0


@pytest.mark.parametrize("questionnaire", ["avslut", "uppfoljning_6man"])
def test_forms_about_a_participant_cannot_be_answered_through_a_link(client, questionnaire):
    # a link made before such links were refused, or by hand, still stores nothing
    link = factories.link(questionnaire)
    page = client.get(f"/s/{link.token}")
    assert page.status_code == 404
    assert "fylls i av samordnaren på deltagarens sida" in page.text
    result = _post(client, link, {"participant_code": "K7M4-X", "utfall": "arbete",
                                  "samtycke_uppfoljning": "ja", "progression": "okat"})
    assert result.status_code == 404
    assert _count(Response) == 0


def test_body_over_the_limit_is_413(client, app):
    link = factories.link()
    app.config["MAX_CONTENT_LENGTH"] = 10_000
    result = _post(client, link, {**AVSLUTNINGSENKAT, "kommentar": "x" * 20_000})
    assert result.status_code == 413
    assert "Det du skickade är för stort." in result.text
    in_ukrainian = _post(client, link, {**AVSLUTNINGSENKAT, "kommentar": "x" * 20_000}, language="uk")
    assert in_ukrainian.status_code == 413
    assert "Те, що ви надіслали, занадто велике." in in_ukrainian.text
    assert _count(Response) == 0


def test_unknown_language_is_404(client):
    link = factories.link()
    assert client.get(f"/s/{link.token}/xx").status_code == 404


def test_csrf_token_is_required(backend, sqlite_template, tmp_path):
    import shutil

    from surveyapp import create_app
    from tests.conftest import BASE_CONFIG

    path = tmp_path / "csrf.db"
    shutil.copy(sqlite_template, path)
    app = create_app({**BASE_CONFIG, "WTF_CSRF_ENABLED": True, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}"})
    with app.app_context():
        link = factories.link()
        result = _post(app.test_client(), link, AVSLUTNINGSENKAT)
        assert result.status_code == 400
        assert _count(Response) == 0
        db.session.remove()
        db.engine.dispose()

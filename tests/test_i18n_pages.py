"""The participant pages in every language: choosing, switching, errors, pictures and audio."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from sqlalchemy import func, select

from surveyapp.extensions import db
from surveyapp.i18n import LANGUAGES
from surveyapp.models import Answer, Response
from tests import factories
from tests.factories import AVSLUTNINGSENKAT

ROOT = Path(__file__).resolve().parent.parent


def _count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def _fetch(client, path: str, **kwargs):
    """A response read to the end and closed (file responses hold their file open)."""
    response = client.get(path, **kwargs)
    response.get_data()
    response.close()
    return response


def _languages_in_order(page: str) -> list[str]:
    return sorted(LANGUAGES, key=lambda code: page.find(f'hreflang="{code}"'))


def test_first_screen_lists_every_language_by_its_own_name_without_flags(client):
    link = factories.link()
    page = client.get(f"/s/{link.token}").text
    for code, name in LANGUAGES.items():
        assert f'lang="{code}"' in page
        assert name in page
        assert f'href="/s/{link.token}/{code}"' in page
    assert 'dir="rtl" hreflang="ar"' in page and 'dir="rtl" hreflang="fa"' in page
    assert "<img" not in page.split('class="language-list"')[1]  # no flags


def test_browser_language_is_put_first_and_highlighted_but_every_language_is_offered(client):
    link = factories.link()
    page = client.get(f"/s/{link.token}", headers={"Accept-Language": "ar-SE,sv;q=0.5"}).text
    assert _languages_in_order(page)[0] == "ar"
    assert f'is-preferred" href="/s/{link.token}/ar"' in page
    assert f'href="/s/{link.token}/sv"' in page
    assert '<html lang="ar" dir="rtl">' in page
    assert "اختر اللغة" in page

    dari = client.get(f"/s/{link.token}", headers={"Accept-Language": "prs-AF"}).text
    assert _languages_in_order(dari)[0] == "fa"
    swedish = client.get(f"/s/{link.token}", headers={"Accept-Language": "de-DE"}).text
    assert _languages_in_order(swedish)[0] == "sv"
    assert "Välj språk" in swedish


@pytest.mark.parametrize(
    ("language", "direction", "question"),
    [
        ("en", "ltr", "How do you feel now compared with before you started in the project?"),
        ("ar", "rtl", "كيف تشعر الآن مقارنةً بما قبل بدايتك في المشروع؟"),
        ("fa", "rtl", "حال شما حالا در مقایسه با پیش از شروع پروژه چطور است؟"),
        ("so", "ltr", "Sidee tahay hadda marka loo eego intaadan mashruuca bilaabin?"),
        ("ti", "ltr", "ቅድሚ ኣብ ፕሮጀክት ምጅማርኩም ምስ ዝነበረ ክነጻጸር ከመይ ኣለኹም?"),
        ("uk", "ltr", "Як ви почуваєтеся зараз порівняно з часом до початку проєкту?"),
    ],
)
def test_form_is_in_the_chosen_language_and_direction(client, language, direction, question):
    link = factories.link()
    page = client.get(f"/s/{link.token}/{language}").text
    assert f'<html lang="{language}" dir="{direction}">' in page
    assert question in page
    assert "Hur mår du nu" not in page


def test_changing_language_keeps_the_answers_given_and_stores_nothing(client):
    link = factories.link()
    response_id = str(uuid.uuid4())
    partial = {"kon": "kvinna", "aldersgrupp": "25-29", "mar_battre": "4", "kommentar": "Hej"}
    switched = client.post(
        f"/s/{link.token}/ar",
        data={**partial, "response_uuid": response_id, "change_language": "ar"},
    )
    # post, redirect, get: a reload of the page sends nothing again
    assert switched.status_code == 302 and f"/s/{link.token}/ar?utkast=" in switched.location
    page = client.get(switched.location)
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert '<html lang="ar" dir="rtl">' in page.text
    for name, value in (("kon", "kvinna"), ("aldersgrupp", "25-29"), ("mar_battre", "4")):
        assert f'name="{name}" value="{value}" checked' in page.text
    assert ">Hej</textarea>" in page.text
    assert f'value="{response_id}"' in page.text
    # a change of language is not a submission, not even with every answer given
    client.post(f"/s/{link.token}/en", data={**AVSLUTNINGSENKAT, "response_uuid": response_id,
                                              "change_language": "en"})
    assert _count(Response) == 0 and _count(Answer) == 0
    # the language buttons post to the same form in each language
    for code in LANGUAGES:
        assert f'formaction="/s/{link.token}/{code}" name="change_language"' in page.text


def test_answers_in_another_language_are_stored_as_the_same_codes_with_the_language(client):
    link = factories.link()
    result = client.post(f"/s/{link.token}/so", data={**AVSLUTNINGSENKAT, "response_uuid": str(uuid.uuid4())})
    assert result.headers["Location"].endswith(f"/s/{link.token}/so/tack")
    response = db.session.scalar(select(Response))
    assert response.language == "so"
    codes = {a.question_key: a.code for a in db.session.scalars(select(Answer)) if a.code}
    assert codes == {k: v for k, v in AVSLUTNINGSENKAT.items() if k != "kommentar"}
    thanks = client.get(result.headers["Location"]).text
    assert "Waad ku mahadsan tahay jawaabahaaga!" in thanks


def test_errors_are_shown_in_the_chosen_language(client):
    link = factories.link()
    data = {k: v for k, v in AVSLUTNINGSENKAT.items() if k != "tro_formaga"}
    page = client.post(f"/s/{link.token}/uk", data={**data, "response_uuid": str(uuid.uuid4())},
                       follow_redirects=True)
    assert page.status_code == 200 and page.request.args.get("utkast")
    assert "Дайте відповідь на запитання." in page.text
    assert "Одну відповідь треба виправити" not in page.text
    assert "1 відповідь треба виправити" in page.text
    bad = client.post(f"/s/{link.token}/ar", data={**AVSLUTNINGSENKAT, "tro_formaga": "7",
                                                   "response_uuid": str(uuid.uuid4())}, follow_redirects=True)
    assert "الإجابة «7» ليست من بين الخيارات." in bad.text
    # Persian counts in its own digits, as everywhere else on its pages
    data = {k: v for k, v in AVSLUTNINGSENKAT.items() if k not in ("tro_formaga", "mar_battre")}
    persian = client.post(f"/s/{link.token}/fa", data={**data, "response_uuid": str(uuid.uuid4())},
                          follow_redirects=True)
    assert "۲ جواب باید اصلاح شود" in persian.text


def test_error_pages_speak_the_language_of_the_address(client):
    factories.link()
    page = client.get("/s/nosuchlink/ti/tack")
    assert page.status_code == 404
    assert '<html lang="ti" dir="ltr">' in page.text
    assert "እዚ ሊንክ የለን።" in page.text


def test_an_unknown_or_closed_link_speaks_the_browser_language(client):
    link = factories.link()
    page = client.get("/s/nosuchlink", headers={"Accept-Language": "so,sv;q=0.5"})
    assert page.status_code == 404
    assert "Linkigan ma jiro." in page.text
    link.round.close()
    db.session.commit()
    closed = client.get(f"/s/{link.token}", headers={"Accept-Language": "fa-AF"})
    assert closed.status_code == 410
    assert '<html lang="fa" dir="rtl">' in closed.text
    assert "این پرسش‌نامه بسته است" in closed.text


def test_every_scale_step_shows_a_face_with_a_text_alternative(client):
    link = factories.link()
    page = client.get(f"/s/{link.token}/en").text
    section = page.split('id="q-mar_battre"')[1].split("</section>")[0]
    faces = ("Very sad face", "Sad face", "Neutral face", "Happy face", "Very happy face")
    for step, alt in enumerate(faces, 1):
        assert f'src="/static/faces/face-{step}.svg"\n         alt="{alt}"' in section
    assert _fetch(client, "/static/faces/face-1.svg").mimetype == "image/svg+xml"


def test_option_pictures_come_from_the_questionnaire_folder(client):
    link = factories.link()
    page = client.get(f"/s/{link.token}/sv").text
    section = page.split('id="q-bemotande_samordnare"')[1].split("</section>")[0]
    assert '<img class="choice-picture" src="/s/bilder/ansikte-glatt.svg" alt=""' in section
    picture = _fetch(client, "/s/bilder/ansikte-glatt.svg")
    assert picture.status_code == 200
    assert picture.mimetype == "image/svg+xml"
    assert picture.headers["Cache-Control"] == "public, max-age=86400"
    assert picture.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in picture.headers["Content-Security-Policy"]


@pytest.mark.parametrize(
    "path",
    [
        "/s/bilder/README.md",
        "/s/bilder/..%2Favslutningsenkat.yaml",
        "/s/bilder/%2E%2E%2F%2E%2E%2Fpyproject.toml",
        "/s/ljud/..%2F..%2Favslutningsenkat.yaml",
        "/s/ljud/mar_battre.mp3",
        "/s/ljud/" + "0" * 64,
    ],
)
def test_pictures_and_audio_never_serve_other_files(client, path):
    assert _fetch(client, path).status_code == 404


def test_recorded_audio_is_linked_from_its_speaker_button_and_served_for_caching(client):
    link = factories.link()
    question = factories.translate_questionnaire(
        "ar", "Hur mår du nu jämfört med innan du började i projektet?")
    step = factories.translate_questionnaire("ar", "Mycket bättre")
    spoken = factories.recording(question, "ar")
    factories.recording(step, "ar", data=factories.OGG)
    page = client.get(f"/s/{link.token}/ar").text
    assert f'data-audio="/s/ljud/{spoken.content_hash}"' in page
    assert page.count("data-audio=") == 2
    assert "data-audio=" not in client.get(f"/s/{link.token}/sv").text

    audio = _fetch(client, f"/s/ljud/{spoken.content_hash}")
    assert audio.status_code == 200
    assert audio.mimetype == "audio/mpeg"
    assert audio.data == factories.MP3
    assert audio.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert audio.headers["Content-Security-Policy"] == "sandbox; default-src 'none'"
    assert audio.headers["X-Content-Type-Options"] == "nosniff"
    again = _fetch(client, f"/s/ljud/{spoken.content_hash}",
                   headers={"If-None-Match": audio.headers["ETag"]})
    assert again.status_code == 304
    part = _fetch(client, f"/s/ljud/{spoken.content_hash}", headers={"Range": "bytes=0-3"})
    assert part.status_code == 206 and part.data == b"ID3\x03"


def test_every_question_and_option_has_a_hidden_speaker_button_with_its_text(client):
    link = factories.link()
    page = client.get(f"/s/{link.token}/en").text
    section = page.split('id="q-mar_battre"')[1].split("</section>")[0]
    assert section.count('class="speak" hidden') == 6  # the question and its five steps
    assert 'data-speak="Much better" aria-label="Listen: Much better"' in section

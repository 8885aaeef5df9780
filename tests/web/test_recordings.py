"""Read-aloud recordings: recorded or uploaded on the recording page, published, played on the
participant page for exactly the text they read, stale when the text changes."""

from __future__ import annotations

import io
import json
import shutil
import struct
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from surveyapp.audio import duration_ms, sniff_audio
from surveyapp.extensions import db
from surveyapp.models import Recording, RecordingLink
from surveyapp.readaloud import spoken_texts
from surveyapp.services.questionnaires import current_version, definition_of, sync_questionnaires
from tests import factories

ROOT = Path(__file__).resolve().parents[2]
QUESTION = "Hur mår du nu jämfört med innan du började i projektet?"


def wav(seconds: float = 0.5, rate: int = 8000) -> bytes:
    """A silent mono 16-bit WAV file."""
    frames = b"\x00\x00" * int(rate * seconds)
    fmt = struct.pack("<HHIIHH", 1, 1, rate, rate * 2, 2, 16)
    body = (b"WAVE" + b"fmt " + struct.pack("<I", len(fmt)) + fmt
            + b"data" + struct.pack("<I", len(frames)) + frames)
    return b"RIFF" + struct.pack("<I", len(body)) + body


def _questionnaire(key: str = "avslutningsenkat"):
    return definition_of(current_version(key))


def _staff(client, role: str = "projektledning"):
    factories.login(client, factories.user(f"{role}@example.org", role))


def _text(language: str, source: str = QUESTION):
    return next(t for t in spoken_texts(_questionnaire(), language) if t.source == source)


def _upload(client, url: str, text_hash: str, data: bytes, name: str = "inlasning.wav", **headers):
    return client.post(url, data={"action": "upload", "text": text_hash, "audio": (io.BytesIO(data), name)},
                       content_type="multipart/form-data", headers=headers)


@pytest.mark.parametrize(("data", "mime"), [
    (b"ID3\x04" + b"\x00" * 20, "audio/mpeg"),
    (b"\xff\xfb\x90\x64" + b"\x00" * 20, "audio/mpeg"),
    (b"\x00\x00\x00\x20ftypM4A " + b"\x00" * 20, "audio/mp4"),
    (b"OggS" + b"\x00" * 20, "audio/ogg"),
    (b"\x1a\x45\xdf\xa3" + b"\x00" * 20, "audio/webm"),
    (wav(), "audio/wav"),
    (b"<svg onload=alert(1)></svg>" + b"\x00" * 20, None),
    (b"%PDF-1.7" + b"\x00" * 20, None),
])
def test_audio_type_comes_from_the_content(data, mime):
    assert sniff_audio(data) == mime


def test_wav_length_is_read_from_its_header():
    assert duration_ms(wav(1.5), "audio/wav") == 1500


def test_the_recording_page_lists_every_text_a_participant_meets_with_its_translation(client):
    _staff(client)
    page = client.get("/staff/inlasning/avslutningsenkat/ti").text
    texts = spoken_texts(_questionnaire(), "ti")
    sources = {t.source for t in texts}
    # questions, options and scale steps, the intro, the language's name, buttons and thanks
    assert {QUESTION, "Mycket bättre", "ትግርኛ", "Skicka svaren", "Tack för dina svar!",
            "Svara på frågan."} <= sources
    assert any(s.startswith("Avslutningsenkät. ") for s in sources)
    assert factories.translate_questionnaire("ti", QUESTION) in page
    assert QUESTION in page  # the Swedish source beside it
    assert page.count('class="recording panel"') == len(texts)


def test_every_speaker_button_on_the_participant_page_reads_a_listed_text(client):
    from html import unescape

    link = factories.link()
    page = client.get(f"/s/{link.token}/ti").text
    spoken = {unescape(part.split('"', 1)[0]) for part in page.split('data-speak="')[1:]}
    listed = {t.text for t in spoken_texts(_questionnaire(), "ti")}
    assert spoken and spoken <= listed


def test_the_kiosk_idle_warning_can_be_heard_sentence_by_sentence(client):
    """A participant who cannot read hears the whole warning: every sentence of it is a text
    to record, with its speaker button on the kiosk's form, and its recording plays there."""
    from html import unescape

    from tests.web.test_shared_tablets import _start_kiosk

    listed = {t.source: t for t in spoken_texts(_questionnaire(), "ti")}
    sentences = ["Är du kvar?", "Enkäten börjar snart om. Svaren du har gett försvinner då.",
                 "Tryck på Jag är kvar för att fortsätta svara."]
    # the middle sentence recorded on the recording page
    _staff(client)
    url = "/staff/inlasning/avslutningsenkat/ti"
    _upload(client, url, listed[sentences[1]].hash, wav())
    client.post(url, data={"action": "publish", "text": listed[sentences[1]].hash})
    recording = db.session.scalar(select(Recording))

    _start_kiosk(client)
    page = client.get("/kiosk/ti").text
    warning = page[page.index('id="idle-warning"'):page.index('id="idle-warning-stay"')]
    spoken = [unescape(part.split('"', 1)[0]) for part in warning.split('data-speak="')[1:]]
    assert spoken == [listed[source].text for source in sentences]
    assert spoken[1] != sentences[1]  # in Tigrinya
    assert warning.count("data-audio=") == 1
    assert f'data-audio="/s/ljud/{recording.content_hash}"' in warning


def test_an_uploaded_recording_plays_once_published_and_only_for_its_text(client):
    _staff(client)
    link = factories.link()
    text = _text("ti")
    url = "/staff/inlasning/avslutningsenkat/ti"
    assert _upload(client, url, text.hash, wav()).status_code == 302
    recording = db.session.scalar(select(Recording))
    assert (recording.status, recording.mime_type, recording.duration_ms) == ("draft", "audio/wav", 500)
    assert "data-audio=" not in client.get(f"/s/{link.token}/ti").text

    assert client.post(url, data={"action": "publish", "text": text.hash}).status_code == 302
    page = client.get(f"/s/{link.token}/ti").text
    assert page.count("data-audio=") == 1
    assert f'data-audio="/s/ljud/{recording.content_hash}"' in page
    # the same words in another language are another text
    assert "data-audio=" not in client.get(f"/s/{link.token}/so").text
    served = client.get(f"/s/ljud/{recording.content_hash}")
    assert served.mimetype == "audio/wav" and served.data == wav()
    assert "1 av" in client.get(url).text  # coverage on the page

    # recording again replaces the draft; publishing it replaces the published one
    _upload(client, url, text.hash, wav(0.25))
    client.post(url, data={"action": "publish", "text": text.hash})
    assert db.session.scalar(select(func.count()).select_from(Recording)) == 1
    assert db.session.scalar(select(Recording.duration_ms)) == 250


@pytest.mark.parametrize(("data", "message"), [
    (b"<html><script>alert(1)</script></html>", "Filen är inget ljud"),
    (b"", "Filen är tom."),
])
def test_uploads_that_are_not_audio_are_refused_with_a_reason(client, data, message):
    _staff(client)
    text = _text("ti")
    answer = _upload(client, "/staff/inlasning/avslutningsenkat/ti", text.hash, data, name="x.mp3",
                     Accept="application/json")
    assert answer.status_code == 400
    assert message in answer.json["message"]
    assert db.session.scalar(select(func.count()).select_from(Recording)) == 0


def test_too_large_and_too_long_uploads_are_refused(app, client):
    _staff(client)
    text = _text("ti")
    url = "/staff/inlasning/avslutningsenkat/ti"
    app.config["AUDIO_MAX_SECONDS"] = 1
    answer = _upload(client, url, text.hash, wav(2), Accept="application/json")
    assert answer.status_code == 400 and "för lång" in answer.json["message"]
    app.config["AUDIO_MAX_BYTES"] = 1000
    answer = _upload(client, url, text.hash, wav(0.5), Accept="application/json")
    assert answer.status_code == 400 and "för stort" in answer.json["message"]
    assert _upload(client, url, text.hash, b"\x00" * 200_000).status_code == 413
    assert db.session.scalar(select(func.count()).select_from(Recording)) == 0


def test_a_recording_up_to_the_size_limit_passes_the_request_limit(app, client):
    _staff(client)
    text = _text("ti")
    big = wav(20)  # 320 kB, above the 256 kB limit of an answer
    assert len(big) > app.config["MAX_CONTENT_LENGTH"]
    assert _upload(client, "/staff/inlasning/avslutningsenkat/ti", text.hash, big).status_code == 302
    assert db.session.scalar(select(Recording.size_bytes)) == len(big)


def test_a_changed_text_leaves_its_recording_stale_and_silent(app, client, tmp_path):
    _staff(client)
    link = factories.link()
    factories.recording(QUESTION, "sv")
    assert client.get(f"/s/{link.token}/sv").text.count("data-audio=") == 1
    folder = tmp_path / "questionnaires"
    shutil.copytree(ROOT / "questionnaires", folder)
    source = folder / "avslutningsenkat.yaml"
    changed = source.read_text(encoding="utf-8").replace(QUESTION, "Hur mår du i dag?")
    source.write_text(changed, encoding="utf-8")
    app.config["QUESTIONNAIRE_DIR"] = str(folder)
    sync_questionnaires(str(folder))
    db.session.commit()
    assert "data-audio=" not in client.get(f"/s/{link.token}/sv").text
    page = client.get("/staff/inlasning/avslutningsenkat/sv").text
    assert "Inaktuella inläsningar" in page and QUESTION in page
    round_page = client.get(f"/staff/mattillfallen/{link.round_id}").text
    assert "sv: 0 av" in round_page and "1 inaktuella" in round_page


def test_round_page_shows_recording_coverage_per_language(client):
    _staff(client)
    link = factories.link()
    factories.recording(factories.translate_questionnaire("ti", QUESTION), "ti")
    total = len(spoken_texts(_questionnaire(), "ti"))
    page = client.get(f"/staff/mattillfallen/{link.round_id}").text
    assert f"ti: 1 av {total} texter inlästa" in page


def test_an_interpreter_link_records_one_questionnaire_in_one_language_for_a_week(app, client):
    _staff(client, "admin")
    answer = client.post("/staff/inlasning/lankar",
                         data={"questionnaire": "avslutningsenkat", "language": "ti"})
    url = answer.text.split('<code class="link-text">')[1].split("<")[0]
    path = url.removeprefix(app.config["PUBLIC_URL"])
    link = db.session.scalar(select(RecordingLink))
    assert link.token_hash not in url and path.split("/")[-1] not in link.token_hash
    assert link.expires_at - link.created_at == timedelta(days=7)

    interpreter = app.test_client()
    page = interpreter.get(path)
    assert page.status_code == 200
    assert factories.translate_questionnaire("ti", QUESTION) in page.text
    text = _text("ti")
    assert _upload(interpreter, path, text.hash, wav()).status_code == 302
    assert interpreter.post(path, data={"action": "publish", "text": text.hash}).status_code == 302
    # the interpreter asked; projektledning approves before participants hear it
    assert db.session.scalar(select(Recording.status)) == "draft"
    # only texts of that questionnaire in that language
    other = _text("so")
    assert _upload(interpreter, path, other.hash, wav(), Accept="application/json").status_code == 400
    assert interpreter.get("/staff/inlasning/avslutningsenkat/ti").status_code == 302  # no staff pages
    # an expired or unknown link opens nothing
    link.expires_at = link.created_at
    db.session.commit()
    assert interpreter.get(path).status_code == 404
    assert interpreter.get("/tolk/unknown").status_code == 404


def test_samordnare_cannot_record(client):
    _staff(client, "samordnare")
    assert client.get("/staff/inlasning").status_code == 403


def test_recording_overview_lists_coverage_and_links_to_each_language(client):
    _staff(client)
    page = client.get("/staff/inlasning").text
    assert "/staff/inlasning/avslutningsenkat/ti" in page
    assert "/staff/inlasning/progressionskort/so" in page


def test_audio_status_export_and_import_move_recordings_between_servers(app, runner, tmp_path):
    factories.recording(factories.translate_questionnaire("ti", QUESTION), "ti")
    factories.recording("Mycket bättre", "sv", published=False)
    status = json.loads(runner.invoke(args=["audio", "status", "avslutningsenkat", "--json"]).output)
    ti = status["avslutningsenkat"]["ti"]
    assert ti["recorded"] == 1 and ti["stale"] == 0 and ti["total"] > 40
    text = runner.invoke(args=["audio", "status"]).output
    assert "ti: 1 of" in text

    result = runner.invoke(args=["audio", "export", str(tmp_path / "ut")])
    assert result.exit_code == 0, result.output
    manifest = json.loads((tmp_path / "ut" / "recordings.json").read_text())
    assert len(manifest["recordings"]) == 2
    db.session.execute(Recording.__table__.delete())
    db.session.commit()
    result = runner.invoke(args=["audio", "import", str(tmp_path / "ut")])
    assert result.exit_code == 0, result.output
    assert sorted(db.session.scalars(select(Recording.status))) == ["draft", "published"]
    # a file changed on the way is refused, and nothing is stored
    db.session.execute(Recording.__table__.delete())
    db.session.commit()
    (tmp_path / "ut" / manifest["recordings"][0]["file"]).write_bytes(b"<html>")
    result = runner.invoke(args=["audio", "import", str(tmp_path / "ut")])
    assert result.exit_code == 1
    assert db.session.scalar(select(func.count()).select_from(Recording)) == 0


def _interpreter_link(app, client) -> str:
    if client.get("/staff/inlasning").status_code != 200:
        _staff(client)
    answer = client.post("/staff/inlasning/lankar",
                         data={"questionnaire": "avslutningsenkat", "language": "ti"})
    url = answer.text.split('<code class="link-text">')[1].split("<")[0]
    return url.removeprefix(app.config["PUBLIC_URL"])


def test_a_draft_is_heard_only_by_staff_and_the_interpreter_link_that_made_it(app, client):
    path = _interpreter_link(app, client)
    interpreter, anyone = app.test_client(), app.test_client()
    text = _text("ti")
    _upload(interpreter, path, text.hash, wav())
    draft = db.session.scalar(select(Recording))
    assert draft.status == "draft"
    # the participant address serves published recordings only
    assert anyone.get(f"/s/ljud/{draft.content_hash}").status_code == 404
    assert interpreter.get(f"/s/ljud/{draft.content_hash}").status_code == 404
    # the link that made it hears it on its page, privately
    page = interpreter.get(path).text
    heard = f"{path}/ljud/{draft.content_hash}"
    assert f'src="{heard}"' in page
    served = interpreter.get(heard)
    assert served.status_code == 200 and served.data == wav()
    assert "no-store" in served.headers["Cache-Control"] and "public" not in served.headers["Cache-Control"]
    # staff hear it on the recording page
    staff_page = client.get("/staff/inlasning/avslutningsenkat/ti").text
    assert f'src="/staff/inlasning/ljud/{draft.content_hash}"' in staff_page
    assert client.get(f"/staff/inlasning/ljud/{draft.content_hash}").data == wav()
    assert anyone.get(f"/staff/inlasning/ljud/{draft.content_hash}").status_code == 302  # to the login
    # another interpreter link, or an unknown one, does not
    other = _interpreter_link(app, client)
    assert anyone.get(f"{other}/ljud/{draft.content_hash}").status_code == 404
    assert f"/ljud/{draft.content_hash}" not in anyone.get(other).text
    assert anyone.get(f"/tolk/unknown/ljud/{draft.content_hash}").status_code == 404
    # published, it is everyone's
    client.post("/staff/inlasning/avslutningsenkat/ti", data={"action": "publish", "text": text.hash})
    assert anyone.get(f"/s/ljud/{draft.content_hash}").status_code == 200


def test_an_interpreters_publishing_waits_for_projektledning_to_approve_it(app, client):
    from surveyapp.models import AuditEvent

    path = _interpreter_link(app, client)
    interpreter = app.test_client()
    link = factories.link()
    text = _text("ti")
    _upload(interpreter, path, text.hash, wav())
    asked = interpreter.post(path, data={"action": "publish", "text": text.hash}, follow_redirects=True)
    assert "väntar nu på att projektledningen godkänner den" in asked.text
    assert "Väntar på godkännande" in asked.text and "Be om publicering" not in asked.text
    assert db.session.scalar(select(Recording.status)) == "draft"
    assert "data-audio=" not in client.get(f"/s/{link.token}/ti").text
    assert "1 väntar på godkännande" in client.get("/staff/inlasning").text

    url = "/staff/inlasning/avslutningsenkat/ti"
    page = client.get(url).text
    assert "Väntar på godkännande" in page and "Godkänn och publicera" in page
    assert client.post(url, data={"action": "publish", "text": text.hash}).status_code == 302
    assert db.session.scalar(select(Recording.status)) == "published"
    assert "data-audio=" in client.get(f"/s/{link.token}/ti").text
    actions = db.session.scalars(select(AuditEvent.action).where(AuditEvent.action.startswith("recording."))
                                 .order_by(AuditEvent.id)).all()
    assert actions[-3:] == ["recording.upload", "recording.request", "recording.approve"]
    # nor does the link take away what participants hear
    assert 'value="discard_published"' not in interpreter.get(path).text
    refused = interpreter.post(path, data={"action": "discard_published", "text": text.hash},
                               follow_redirects=True)
    assert "Bara projektledningen kan ta bort en publicerad inläsning." in refused.text
    assert db.session.scalar(select(Recording.status)) == "published"


def test_with_approval_switched_off_an_interpreter_link_publishes_at_once(app, client):
    app.config["INTERPRETER_PUBLISH_NEEDS_APPROVAL"] = False
    path = _interpreter_link(app, client)
    interpreter = app.test_client()
    text = _text("ti")
    _upload(interpreter, path, text.hash, wav())
    assert "Publicera" in interpreter.get(path).text
    interpreter.post(path, data={"action": "publish", "text": text.hash})
    assert db.session.scalar(select(Recording.status)) == "published"


def test_the_approval_setting_comes_from_the_environment(monkeypatch, tmp_path):
    from surveyapp.config import defaults, from_environment

    assert defaults(tmp_path)["INTERPRETER_PUBLISH_NEEDS_APPROVAL"] is True
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.setenv("SURVEYAPP_INTERPRETER_PUBLISH_NEEDS_APPROVAL", "false")
    assert from_environment(tmp_path)["INTERPRETER_PUBLISH_NEEDS_APPROVAL"] is False


# ---- revoking an interpreter's link, and its rate limit ----------------------------------------


def test_projektledning_lists_working_links_and_revokes_one_keeping_its_drafts(app, client):
    from surveyapp.models import AuditEvent

    path = _interpreter_link(app, client)
    interpreter = app.test_client()
    text = _text("ti")
    assert _upload(interpreter, path, text.hash, wav()).status_code == 302
    link = db.session.scalar(select(RecordingLink))
    overview = client.get("/staff/inlasning").text
    revoke_url = f"/staff/inlasning/lankar/{link.id}/aterkalla"
    assert "Länkar som fungerar nu" in overview and f'action="{revoke_url}"' in overview
    assert path.rsplit("/", 1)[1] not in overview  # the token is shown once only

    revoked = client.post(revoke_url)
    assert revoked.status_code == 302 and revoked.location.endswith("/staff/inlasning#lankar")
    assert "Länken är återkallad" in client.get("/staff/inlasning").text
    assert f'action="{revoke_url}"' not in client.get("/staff/inlasning").text
    assert db.session.get(RecordingLink, link.id).revoked_at is not None
    # a revoked link answers as an expired one: no page, no upload, no audio
    draft = db.session.scalar(select(Recording))
    assert interpreter.get(path).status_code == 404
    assert _upload(interpreter, path, text.hash, wav(1.0)).status_code == 404
    assert interpreter.get(f"{path}/ljud/{draft.content_hash}").status_code == 404
    # what was recorded through it stays as it was
    kept = db.session.scalar(select(Recording))
    assert (kept.id, kept.status, kept.link_id, kept.size_bytes) == (draft.id, "draft", link.id, len(wav()))
    assert ("recording.revoke", f"#{link.id} avslutningsenkat ti") in set(
        tuple(row) for row in db.session.execute(select(AuditEvent.action, AuditEvent.detail)))


def test_an_admin_revokes_too_and_revoking_twice_keeps_the_first_moment(app, client):
    _staff(client, "admin")
    _interpreter_link(app, client)
    link = db.session.scalar(select(RecordingLink))
    assert client.post(f"/staff/inlasning/lankar/{link.id}/aterkalla").status_code == 302
    first = db.session.get(RecordingLink, link.id).revoked_at
    assert client.post(f"/staff/inlasning/lankar/{link.id}/aterkalla").status_code == 302
    db.session.expire_all()
    assert db.session.get(RecordingLink, link.id).revoked_at == first
    assert client.post("/staff/inlasning/lankar/999999/aterkalla").status_code == 404


def test_other_roles_cannot_revoke_an_interpreters_link(app, client):
    path = _interpreter_link(app, client)
    link = db.session.scalar(select(RecordingLink))
    for role in ("samordnare", "styrgrupp"):
        other = app.test_client()
        factories.login(other, factories.user(f"{role}@example.org", role))
        assert other.post(f"/staff/inlasning/lankar/{link.id}/aterkalla").status_code == 403
    assert app.test_client().post(f"/staff/inlasning/lankar/{link.id}/aterkalla").status_code == 302  # login
    assert db.session.get(RecordingLink, link.id).revoked_at is None
    assert app.test_client().get(path).status_code == 200


def test_revoking_an_interpreters_link_needs_the_form_token(app, client):
    path = _interpreter_link(app, client)
    link = db.session.scalar(select(RecordingLink))
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post(f"/staff/inlasning/lankar/{link.id}/aterkalla").status_code == 400
        assert db.session.get(RecordingLink, link.id).revoked_at is None
        page = client.get("/staff/inlasning").text
        form = page.split(f'action="/staff/inlasning/lankar/{link.id}/aterkalla"')[1]
        token = form.split('name="csrf_token" value="')[1].split('"')[0]
        answer = client.post(f"/staff/inlasning/lankar/{link.id}/aterkalla", data={"csrf_token": token})
        assert answer.status_code == 302
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert db.session.get(RecordingLink, link.id).revoked_at is not None
    assert app.test_client().get(path).status_code == 404


def test_posts_through_an_interpreters_link_are_limited_per_link_and_address(app, client):
    app.config["INTERPRETER_POSTS_PER_HOUR"] = 2
    path = _interpreter_link(app, client)
    interpreter = app.test_client()
    text = _text("ti")
    assert _upload(interpreter, path, text.hash, wav()).status_code == 302
    assert _upload(interpreter, path, text.hash, b"not audio", Accept="application/json").status_code == 400
    # the third post within the hour is refused, whatever it sends, and nothing is stored
    refused = _upload(interpreter, path, text.hash, wav(1.0))
    assert refused.status_code == 429
    assert "Många inläsningar har skickats härifrån på kort tid" in refused.text
    answer = _upload(interpreter, path, text.hash, wav(1.0), Accept="application/json")
    assert answer.status_code == 429
    assert answer.json["ok"] is False and answer.json["message"].startswith("Många inläsningar")
    assert db.session.scalar(select(Recording.size_bytes)) == len(wav())
    # the page itself still opens, another address and another link may still post
    assert interpreter.get(path).status_code == 200
    elsewhere = interpreter.post(path, data={"action": "upload", "text": text.hash,
                                             "audio": (io.BytesIO(wav(1.0)), "inlasning.wav")},
                                 content_type="multipart/form-data", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert elsewhere.status_code == 302
    other = _interpreter_link(app, client)
    assert _upload(interpreter, other, text.hash, wav(2.0)).status_code == 302
    assert db.session.scalar(select(Recording.size_bytes)) == len(wav(2.0))


def test_the_interpreters_rate_limit_comes_from_the_environment(monkeypatch, tmp_path):
    from surveyapp.config import defaults, from_environment

    assert defaults(tmp_path)["INTERPRETER_POSTS_PER_HOUR"] == 300
    monkeypatch.setenv("SECRET_KEY", "x")
    monkeypatch.setenv("SURVEYAPP_INTERPRETER_POSTS_PER_HOUR", "7")
    assert from_environment(tmp_path)["INTERPRETER_POSTS_PER_HOUR"] == 7

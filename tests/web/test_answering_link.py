"""What an answer page reads once per process: the link with its round, organisation and version
(checked with one row on every request) and the published recordings (kept for a few seconds).
A change made through another server process is obeyed all the same; here "another process"
writes with plain SQL, which nothing of this process's objects sees."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import event, func, select, text
from sqlalchemy.orm import Session

from surveyapp.extensions import db
from surveyapp.models import Recording, Response, StoredSession
from surveyapp.services import recordings
from tests import factories
from tests.factories import AVSLUTNINGSENKAT

HIDDEN = re.compile(r'<input[^>]*name="(csrf_token|response_uuid|turn|ticket)"[^>]*value="([^"]*)"')
QUESTION = "Hur mår du nu jämfört med innan du började i projektet?"


def _hidden(page: str) -> dict[str, str]:
    return dict(HIDDEN.findall(page))


def _responses() -> int:
    return db.session.scalar(select(func.count()).select_from(Response))


def _elsewhere(sql: str, **params) -> None:
    db.session.execute(text(sql), params)
    db.session.commit()


def test_a_round_closed_through_another_server_refuses_the_next_answer(client):
    link = factories.link()
    page = client.get(f"/s/{link.token}/sv").text  # the link is kept from here on
    _elsewhere("UPDATE rounds SET state = 'closed' WHERE id = :id", id=link.round_id)

    posted = client.post(f"/s/{link.token}/sv", data={**_hidden(page), **AVSLUTNINGSENKAT})
    assert posted.status_code == 410 and "stängd" in posted.text
    assert _responses() == 0
    assert client.get(f"/s/{link.token}").status_code == 410

    # open again, but its last day has passed
    _elsewhere("UPDATE rounds SET state = 'open', closes_on = :day WHERE id = :id",
               id=link.round_id, day=date.today() - timedelta(days=1))
    assert client.get(f"/s/{link.token}/sv").status_code == 410
    _elsewhere("UPDATE rounds SET closes_on = NULL WHERE id = :id", id=link.round_id)
    page = client.get(f"/s/{link.token}/sv").text
    posted = client.post(f"/s/{link.token}/sv", data={**_hidden(page), **AVSLUTNINGSENKAT})
    assert posted.status_code == 302 and _responses() == 1


def test_a_link_deleted_through_another_server_is_not_found(client):
    link = factories.link()
    token, link_id = link.token, link.id
    assert client.get(f"/s/{token}").status_code == 200
    _elsewhere("DELETE FROM survey_links WHERE id = :id", id=link_id)
    assert client.get(f"/s/{token}").status_code == 404
    assert client.get(f"/s/{token}/sv").status_code == 404


def test_a_recording_published_through_another_server_is_heard_within_seconds(client, monkeypatch):
    link = factories.link()
    draft = factories.recording(QUESTION, "sv", published=False)
    assert "data-audio=" not in client.get(f"/s/{link.token}/sv").text
    _elsewhere("UPDATE recordings SET status = 'published' WHERE id = :id", id=draft.id)

    # this process read the published recordings a moment ago and keeps them a few seconds
    assert "data-audio=" not in client.get(f"/s/{link.token}/sv").text
    monkeypatch.setattr(recordings, "PUBLISHED_SECONDS", 0)
    assert client.get(f"/s/{link.token}/sv").text.count("data-audio=") == 1


def test_a_recording_changed_through_this_process_is_heard_at_once(client):
    link = factories.link()
    draft = factories.recording(QUESTION, "sv", published=False)
    assert "data-audio=" not in client.get(f"/s/{link.token}/sv").text
    recordings.publish("sv", draft.text_hash)
    db.session.commit()
    assert client.get(f"/s/{link.token}/sv").text.count("data-audio=") == 1
    recordings.discard("sv", draft.text_hash, recordings.RecordingStatus.PUBLISHED)
    db.session.commit()
    assert "data-audio=" not in client.get(f"/s/{link.token}/sv").text
    assert db.session.scalar(select(func.count()).select_from(Recording)) == 0


def test_a_participant_flow_costs_few_statements_and_one_commit_per_write(client):
    """A browser that has answered before: picker, form and post read the session and check the
    link once each; the form's new turn is one write, and the answer, its rate-limit count and
    the turn's end are stored in one commit."""
    link = factories.link()
    for _ in range(2):  # the second time, the session is stored and the link kept
        client.get(f"/s/{link.token}")
        page = client.get(f"/s/{link.token}/sv").text
        posted = client.post(f"/s/{link.token}/sv", data={**_hidden(page), **AVSLUTNINGSENKAT})
        assert posted.status_code == 302

    statements, commits = [], []

    def counted(_conn, _cursor, statement, *_args) -> None:
        if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
            statements.append(statement.split()[0].upper())

    def committed(_session) -> None:
        commits.append(1)

    event.listen(db.engine, "before_cursor_execute", counted)
    event.listen(Session, "after_commit", committed)
    try:
        def request(*args, **kwargs):
            statements.clear()
            commits.clear()
            answer = (client.post if kwargs.pop("post", False) else client.get)(*args, **kwargs)
            return answer, list(statements), len(commits)

        picker, picker_sql, picker_commits = request(f"/s/{link.token}")
        form, form_sql, form_commits = request(f"/s/{link.token}/sv")
        posted, post_sql, post_commits = request(f"/s/{link.token}/sv", post=True,
                                                 data={**_hidden(form.text), **AVSLUTNINGSENKAT})
    finally:
        event.remove(db.engine, "before_cursor_execute", counted)
        event.remove(Session, "after_commit", committed)
    assert picker.status_code == 200 and picker_sql == ["SELECT", "SELECT"] and picker_commits == 0
    assert form.status_code == 200 and form_sql == ["SELECT", "SELECT", "UPDATE"] and form_commits == 1
    assert posted.status_code == 302
    assert sorted(post_sql) == ["INSERT", "INSERT", "INSERT", "SELECT", "SELECT", "SELECT", "UPDATE"]
    assert post_commits == 1
    assert _responses() == 3
    # the turn ended with the answer: the stored session holds none
    stored = db.session.scalars(select(StoredSession.data)).all()
    assert stored and all("answering_turn" not in data for data in stored)

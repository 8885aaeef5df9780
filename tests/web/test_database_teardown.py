"""The database going away while a request ends (its transaction rolled back at teardown)
gives the 503 page, as it does while the request runs."""

from __future__ import annotations

import pytest
from sqlalchemy import create_engine, event, text

from surveyapp.extensions import db
from tests.conftest import PG_SERVER


@pytest.fixture
def shutdown_at_teardown(committed_postgres):
    """The app, and a switch: when on, the next rollback finds its server process ended (as a
    database shutting down does to every connection)."""
    app = committed_postgres
    admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    armed = {"on": False, "fired": 0}

    def end_backend(connection) -> None:
        if not armed["on"]:
            return
        armed["on"] = False
        pid = connection.connection.dbapi_connection.info.backend_pid
        with admin.connect() as other:
            other.execute(text("SELECT pg_terminate_backend(:pid, 5000)"), {"pid": pid})
        armed["fired"] += 1

    with app.app_context():
        engine = db.engine
    # each request runs in an app context of its own (and ends its session at teardown)
    event.listen(engine, "rollback", end_backend)
    yield app, armed
    event.remove(engine, "rollback", end_backend)
    engine.dispose()
    admin.dispose()


def test_a_shutdown_during_teardown_gives_the_503_page(shutdown_at_teardown):
    app, armed = shutdown_at_teardown
    path = "/i/no-such-invitation"  # a page that reads the database and writes nothing
    client = app.test_client()
    assert client.get(path).status_code in (200, 404)
    armed["on"] = True
    page = client.get(path, headers={"Accept-Language": "en"})
    assert armed["fired"] == 1
    assert page.status_code == 503
    assert page.headers["Retry-After"] == "30"
    assert "The service cannot be reached right now" in page.text
    # the next request finds the database again
    assert client.get(path).status_code in (200, 404)

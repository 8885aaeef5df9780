"""Participant flow: surveyapp against a bare Flask app doing the same INSERTs.

Starts a private PostgreSQL cluster (see pgcluster.py) and, on loopback, gunicorn with 2 sync
workers three times: surveyapp (``wsgi:app``) and the two bare apps of this file, on the same
database. The bare app shows a form and stores a post as one INSERT of the response and one
executemany of its answers into surveyapp's own tables; the bare app with surveyapp's
statements also does the rest of the database work of surveyapp's open link (a session row
read on every request and written with each form shown and each answer, the link's round
read on every request, the rate limit counted and added), and nothing else: no page, no CSRF
token, no check of the answers. Concurrent clients then answer through each in turns, as a
browser does:

- surveyapp, picker + form + post: GET ``/s/<token>`` (language picker), GET ``/s/<token>/sv``
  (the form), POST the answers with the form's hidden fields (csrf_token, response_uuid, turn,
  ticket) → 302 ``…/tack``;
- surveyapp, form + post: the same without the picker (a tablet whose language is chosen);
- the bare apps: GET ``/form``, POST the answers → 302.

It prints flows per second for each turn, the ratios surveyapp/bare (min/median/max over the
turns), the SQL statements of one surveyapp GET and POST (counted in-process with a SQLAlchemy
event, against the test client on the same database) and the CPU time of one flow in this
process (the Flask test client, 8 browsers taking turns, the database's own work not
counted), for surveyapp and for the bare app, in runs taken in turns.

    .venv/bin/python benchmarks/participant_flow.py [--clients 8] [--seconds 8] [--turns 3]
        [--cpu-flows 200]

Loopback only; bounded in time and count; everything it started is stopped at the end.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loopback import ANSWERS as BASE_ANSWERS  # noqa: E402
from loopback import Browser, hidden_fields  # noqa: E402
from pgcluster import PrivatePostgres, free_port  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent
#: at most this many flows per client and turn, so that a run stays bounded in count too
MAX_FLOWS_PER_TURN = 5000

ANSWERS = {**BASE_ANSWERS, "kommentar": "Bra stöd."}


# ---- the bare app (run by gunicorn as ``participant_flow:bare_app``) ----------------------


def store_response(cur, form, round_id: int, organisation_id: int, version_id: int) -> None:
    """The bare apps' post: one INSERT of the response and one executemany of its answers."""
    cur.execute(
        "INSERT INTO responses (uuid, round_id, version_id, organisation_id, language,"
        " submitted_at, channel) VALUES (%s, %s, %s, %s, 'sv', now(), 'self') RETURNING id",
        (form["response_uuid"], round_id, version_id, organisation_id))
    response_id = cur.fetchone()[0]
    cur.executemany(
        "INSERT INTO answers (response_id, question_key, row_key, code, number, text)"
        " VALUES (%s, %s, '', %s, %s, %s)",
        [(response_id, key, None if key == "kommentar" else value,
          int(value) if value.isdigit() else None, value if key == "kommentar" else None)
         for key, value in form.items() if key in ANSWERS])


def make_bare_app():
    """A Flask app with nothing but a form page and the INSERTs of one response."""
    import psycopg
    from flask import Flask, redirect, request

    app = Flask("bare")
    url = os.environ["DATABASE_URL"]
    state: dict = {}

    def connection():
        conn = state.get("conn")
        if conn is None:
            conn = state["conn"] = psycopg.connect(url)
            row = conn.execute(
                "SELECT l.round_id, l.organisation_id, v.id FROM survey_links l"
                " JOIN rounds r ON r.id = l.round_id"
                " JOIN questionnaire_versions v ON v.questionnaire_key = r.questionnaire_key"
                " AND v.is_current WHERE l.token = %s", (os.environ["BARE_TOKEN"],)).fetchone()
            state["ids"] = row
            conn.commit()
        return conn

    @app.get("/form")
    def form():
        inputs = "".join(f'<input name="{k}">' for k in ANSWERS)
        return (f'<form method="post"><input type="hidden" name="response_uuid" value="{uuid.uuid4()}">'
                f"{inputs}<button>Skicka</button></form>")

    @app.post("/form")
    def submit():
        conn = connection()
        round_id, organisation_id, version_id = state["ids"]
        with conn.cursor() as cur:
            store_response(cur, request.form, round_id, organisation_id, version_id)
        conn.commit()
        return redirect("/tack")

    return app


def make_stateful_bare_app():
    """The bare app, plus the database work surveyapp's open link does besides storing the
    answers, and nothing else: a session row read on every request and written when a form is
    shown (its turn) and when answered (the turn ends, in the answer's commit), the link's
    round read on every request, and the open link's rate limit counted and added. No page, no
    CSRF token, no checks of the answers."""
    import hashlib
    import json
    import secrets
    from datetime import datetime, timedelta

    import psycopg
    from flask import Flask, abort, make_response, redirect, request

    app = Flask("bare_same")
    url = os.environ["DATABASE_URL"]
    token = os.environ["BARE_TOKEN"]
    state: dict = {}

    def connection():
        if "conn" not in state:
            state["conn"] = psycopg.connect(url)
        return state["conn"]

    def session_and_link(conn):
        cookie = request.cookies.get("s")
        sid = hashlib.sha256(cookie.encode()).hexdigest() if cookie else None
        row = conn.execute("SELECT data FROM sessions WHERE id = %s AND expires_at > now()",
                           (sid,)).fetchone() if sid else None
        link = conn.execute(
            "SELECT l.round_id, l.organisation_id, r.state, v.id FROM survey_links l"
            " JOIN rounds r ON r.id = l.round_id JOIN questionnaire_versions v"
            " ON v.questionnaire_key = r.questionnaire_key AND v.is_current WHERE l.token = %s",
            (token,)).fetchone()
        if link is None or link[2] != "open":
            abort(410)
        return sid, json.loads(row[0]) if row else None, link

    def write_session(conn, sid, data) -> str | None:
        expires = datetime.utcnow() + timedelta(hours=24)
        if sid is not None:
            conn.execute("UPDATE sessions SET data = %s, expires_at = %s WHERE id = %s",
                         (json.dumps(data), expires, sid))
            return None
        cookie = secrets.token_urlsafe(32)
        conn.execute("INSERT INTO sessions (id, data, created_at, expires_at) VALUES (%s, %s, now(), %s)",
                     (hashlib.sha256(cookie.encode()).hexdigest(), json.dumps(data), expires))
        return cookie

    @app.get("/form")
    def form():
        conn = connection()
        sid, data, _link = session_and_link(conn)
        data = {**(data or {}), "turn": secrets.token_urlsafe(12)}
        cookie = write_session(conn, sid, data)
        conn.commit()
        inputs = "".join(f'<input name="{k}">' for k in ANSWERS)
        response = make_response(
            f'<form method="post"><input type="hidden" name="response_uuid" value="{uuid.uuid4()}">'
            f'<input type="hidden" name="turn" value="{data["turn"]}">{inputs}<button>Skicka</button></form>')
        if cookie:
            response.set_cookie("s", cookie, httponly=True)
        return response

    @app.post("/form")
    def submit():
        conn = connection()
        sid, data, (round_id, organisation_id, _state, version_id) = session_and_link(conn)
        if not data or data.get("turn") != request.form.get("turn"):
            abort(409)
        limited = hashlib.sha256(f"open_link:{token}\n{request.remote_addr}".encode()).hexdigest()
        with conn.cursor() as cur:
            cur.execute("SELECT count(*) FROM failed_attempts WHERE scope = 'open_link' AND key = %s"
                        " AND at > now() - interval '1 hour'", (limited,))
            store_response(cur, request.form, round_id, organisation_id, version_id)
            cur.execute("INSERT INTO failed_attempts (scope, key, at) VALUES ('open_link', %s, now())",
                        (limited,))
        data.pop("turn")
        write_session(conn, sid, data)
        conn.commit()
        return redirect("/tack")

    return app


if os.environ.get("BARE_TOKEN"):
    bare_app = make_bare_app()
    stateful_bare_app = make_stateful_bare_app()


# ---- clients ---------------------------------------------------------------------------


def surveyapp_flow(client: Browser, token: str) -> bool:
    """The language picker, then the form and post."""
    client.request("GET", f"/s/{token}")
    return surveyapp_form_flow(client, token)


def surveyapp_form_flow(client: Browser, token: str) -> bool:
    """The flow as the participant's tablet does it once it has chosen a language: form, post."""
    status, _headers, page = client.request("GET", f"/s/{token}/sv")
    if status != 200:
        return False
    body = [*hidden_fields(page), *ANSWERS.items()]
    status, headers, _text = client.request("POST", f"/s/{token}/sv", body)
    return status == 302 and headers.get("Location", "").endswith("/tack")


def bare_flow(client: Browser, _token: str) -> bool:
    status, _headers, page = client.request("GET", "/form")
    if status != 200:
        return False
    status, headers, _text = client.request("POST", "/form", [*hidden_fields(page), *ANSWERS.items()])
    return status == 302 and headers.get("Location", "").endswith("/tack")


def drive(port: int, flow, token: str, clients: int, seconds: float) -> tuple[float, int]:
    """Flows per second with CLIENTS concurrent browsers for SECONDS; and the failures."""
    done, failed = [0], [0]
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def run() -> None:
        client = Browser(port)
        for _ in range(MAX_FLOWS_PER_TURN):
            if time.perf_counter() >= deadline:
                return
            ok = flow(client, token)
            with lock:
                if ok:
                    done[0] += 1
                else:
                    failed[0] += 1

    start = time.perf_counter()
    threads = [threading.Thread(target=run) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return done[0] / (time.perf_counter() - start), failed[0]


def wait_for(port: int) -> None:
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    sys.exit(f"participant_flow: nothing answers on port {port}")


def statements_per_request(database_url: str, token: str) -> tuple[int, int]:
    """SQL statements of one form GET and one POST, counted in-process (test client)."""
    from sqlalchemy import event

    os.environ["DATABASE_URL"] = database_url
    sys.path.insert(0, str(ROOT))  # the code gunicorn ran, not whichever surveyapp is installed
    from surveyapp import create_app
    from surveyapp.extensions import db

    app = create_app({"OPEN_LINK_POSTS_PER_HOUR": 10**9})
    client = app.test_client()
    counted = [0]
    with app.app_context():
        engine = db.engine

        @event.listens_for(engine, "before_cursor_execute")
        def _count(*_args) -> None:
            counted[0] += 1

        client.get(f"/s/{token}")
        counted[0] = 0
        page = client.get(f"/s/{token}/sv").get_data(as_text=True)
        get_count = counted[0]
        counted[0] = 0
        response = client.post(f"/s/{token}/sv", data={**dict(hidden_fields(page)), **ANSWERS})
        assert response.status_code == 302, response.status_code
        post_count = counted[0]
    return get_count, post_count


def cpu_per_flow(database_url: str, token: str, flows: int, runs: int) -> tuple[list[float], list[float]]:
    """Milliseconds of this process's CPU per flow, surveyapp and bare app, ``runs`` each in turns.

    The same flows as over HTTP, through the Flask test client: 8 browsers (cookie jars) take
    turns, as the clients of a turn do.
    """
    os.environ["DATABASE_URL"] = database_url
    os.environ["BARE_TOKEN"] = token
    sys.path.insert(0, str(ROOT))
    from surveyapp import create_app

    app = create_app({"OPEN_LINK_POSTS_PER_HOUR": 10**9})
    bare = make_bare_app()

    def surveyapp_once(client) -> None:
        client.get(f"/s/{token}")
        page = client.get(f"/s/{token}/sv").get_data(as_text=True)
        response = client.post(f"/s/{token}/sv", data={**dict(hidden_fields(page)), **ANSWERS})
        assert response.status_code == 302, response.status_code

    def bare_once(client) -> None:
        page = client.get("/form").get_data(as_text=True)
        response = client.post("/form", data={**dict(hidden_fields(page)), **ANSWERS})
        assert response.status_code == 302, response.status_code

    def measure(flask_app, once) -> float:
        browsers = [flask_app.test_client() for _ in range(8)]
        for browser in browsers:  # warm-up: imports, first connections, kept pages
            once(browser)
        start = time.process_time()
        for number in range(flows):
            once(browsers[number % len(browsers)])
        return (time.process_time() - start) / flows * 1000

    app_cpu, bare_cpu = [], []
    for _ in range(runs):
        app_cpu.append(measure(app, surveyapp_once))
        bare_cpu.append(measure(bare, bare_once))
    return app_cpu, bare_cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--turns", type=int, default=3, help="turns of each app")
    parser.add_argument("--cpu-flows", type=int, default=200, help="flows per in-process CPU run (0: none)")
    args = parser.parse_args()

    pg = PrivatePostgres()
    servers: list[subprocess.Popen] = []
    try:
        pg.init()
        app_port, bare_port, same_port = free_port(), free_port(), free_port()
        env = {**os.environ, "DATABASE_URL": pg.url, "SECRET_KEY": "benchmark-secret",
               "SURVEYAPP_PUBLIC_URL": f"http://127.0.0.1:{app_port}",
               "SURVEYAPP_OPEN_LINK_POSTS_PER_HOUR": str(10**9)}
        init = subprocess.run([str(VENV_BIN / "surveyapp"), "init", "--demo"], env=env, cwd=ROOT,
                              check=True, capture_output=True, text=True)
        match = re.search(r"avslutningsenkat\s+(\S*/s/\S+)", init.stdout)
        if not match:
            sys.exit("participant_flow: surveyapp init --demo printed no avslutningsenkät link")
        token = urlsplit(match.group(1)).path.rsplit("/", 1)[1]
        gunicorn = [str(VENV_BIN / "gunicorn"), "--workers", "2", "--worker-class", "sync",
                    "--timeout", "30", "--log-level", "warning"]
        log = (pg.dir / "gunicorn.log").open("w")
        servers.append(subprocess.Popen([*gunicorn, "--bind", f"127.0.0.1:{app_port}", "wsgi:app"],
                                        env=env, cwd=ROOT, stderr=log))
        for port, name in ((bare_port, "bare_app"), (same_port, "stateful_bare_app")):
            servers.append(subprocess.Popen(
                [*gunicorn, "--bind", f"127.0.0.1:{port}", "--chdir", str(ROOT / "benchmarks"),
                 f"participant_flow:{name}"], env={**env, "BARE_TOKEN": token}, cwd=ROOT, stderr=log))
        runs = {  # name: (port, flow)
            "surveyapp, picker + form + post": (app_port, surveyapp_flow),
            "surveyapp, form + post": (app_port, surveyapp_form_flow),
            "bare, form + post": (bare_port, bare_flow),
            "bare with surveyapp's statements, form + post": (same_port, bare_flow),
        }
        for port, flow in runs.values():
            wait_for(port)
            drive(port, flow, token, 1, 1)  # one warm-up flow each (imports, first connections)

        print(f"{args.clients} clients, {args.seconds:g} s per turn, 2 sync gunicorn workers each, "
              f"{os.cpu_count()} cores")
        rates: dict[str, list[float]] = {name: [] for name in runs}
        for turn in range(1, args.turns + 1):
            line = []
            for name, (port, flow) in runs.items():
                rate, failed = drive(port, flow, token, args.clients, args.seconds)
                rates[name].append(rate)
                line.append(f"{name}: {rate:.1f}/s" + (f" ({failed} failed)" if failed else ""))
            print(f"  turn {turn}: " + "; ".join(line))
        for name, against in (("surveyapp, form + post", "bare, form + post"),
                              ("surveyapp, picker + form + post", "bare, form + post"),
                              ("surveyapp, form + post", "bare with surveyapp's statements, form + post")):
            ratios = [a / b for a, b in zip(rates[name], rates[against], strict=True)]
            print(f"ratio {name} / {against}:  min {min(ratios):.2f}  "
                  f"median {statistics.median(ratios):.2f}  max {max(ratios):.2f}")
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
        servers.clear()
        get_count, post_count = statements_per_request(pg.url, token)
        print(f"SQL statements (BEGIN/COMMIT not counted): form GET {get_count}, POST {post_count}; "
              "the bare app: GET 0, POST 1 INSERT + 1 executemany")
        if args.cpu_flows:
            app_cpu, bare_cpu = cpu_per_flow(pg.url, token, args.cpu_flows, args.turns)
            print(f"CPU per flow in-process ({args.cpu_flows} flows, {args.turns} runs in turns): "
                  f"surveyapp {min(app_cpu):.1f}/{statistics.median(app_cpu):.1f}/{max(app_cpu):.1f} ms, "
                  f"bare {min(bare_cpu):.2f}/{statistics.median(bare_cpu):.2f}/{max(bare_cpu):.2f} ms "
                  "(min/median/max)")
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
        pg.cleanup()


if __name__ == "__main__":
    main()

"""Soak: participants answer through the real HTTP form while the database restarts.

Starts a private PostgreSQL cluster (initdb/pg_ctl on a spare port in a temporary folder, so
the machine's own server is never touched) and gunicorn on loopback, then lets CLIENTS
participants at a time answer the avslutningsenkät through an open link: language picker,
form, "Skicka svaren". Mid-run it stops the database and starts it again, twice. A participant
who gets the 503 page presses "Försök igen" (the page's own form) until the answers are
thanked for. At the end it prints what was submitted, acknowledged and stored, what was lost or
duplicated, and what participants saw during the outages.

Goal: 0 lost, 0 duplicated, and every answer not yet acknowledged still in the participant's page.

    .venv/bin/python benchmarks/soak.py [--clients 12] [--seconds 40] [--max-participants 2000]

Loopback only; bounded in time and count; everything it started is stopped at the end.
"""

from __future__ import annotations

import argparse
import os
import re
import socket
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from loopback import ANSWERS, Browser, hidden_fields  # noqa: E402
from pgcluster import PrivatePostgres, free_port  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = Path(sys.executable).parent


class Tally:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.submitted: list[str] = []
        self.acknowledged: list[str] = []
        self.unacknowledged: list[str] = []
        self.kept_in_page = 0
        self.seen: Counter = Counter()

    def saw(self, what: str) -> None:
        with self.lock:
            self.seen[what] += 1


def participant(base: tuple[str, int], token: str, tally: Tally, deadline: float) -> None:
    browser = Browser(base[1], base[0])
    secret = f"soak-{uuid.uuid4()}"
    # the form, fetched again while the server cannot show it
    while True:
        if time.time() > deadline:
            return
        try:
            status, _h, _t = browser.request("GET", f"/s/{token}")
            status, _h, page = browser.request("GET", f"/s/{token}/sv")
        except OSError:
            tally.saw("GET: no connection")
            time.sleep(1)
            continue
        if status == 200:
            break
        tally.saw(f"GET: {status}")
        time.sleep(1)
    body = [*[(k, v) for k, v in hidden_fields(page)], *ANSWERS.items(), ("kommentar", secret)]
    with tally.lock:
        tally.submitted.append(secret)
    last_had_answers = True
    hard_deadline = deadline + 60  # after the run, unacknowledged answers keep trying a while
    while time.time() < hard_deadline:
        try:
            status, headers, text = browser.request("POST", f"/s/{token}/sv", body)
        except OSError:
            tally.saw("POST: no connection (the browser keeps the page)")
            time.sleep(1)
            continue
        if status == 302 and headers.get("Location", "").endswith("/tack"):
            with tally.lock:
                tally.acknowledged.append(secret)
            return
        if status == 503:
            kept = hidden_fields(text)
            last_had_answers = ("kommentar", secret) in kept and "Försök igen" in text
            tally.saw("POST: 503 page with the answers and Försök igen" if last_had_answers
                      else "POST: 503 page WITHOUT the answers")
            if last_had_answers:
                body = kept  # "Försök igen" posts the page's own form
            time.sleep(1)
            continue
        heading = re.search(r"<h1[^>]*>(.*?)</h1>", text, re.S)
        snippet = heading.group(1).strip() if heading else "bare error page"
        tally.saw(f"POST: {status} {snippet}")
        if status == 400:
            last_had_answers = False
        time.sleep(1)
    with tally.lock:
        tally.unacknowledged.append(secret)
        tally.kept_in_page += int(last_had_answers)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--clients", type=int, default=12)
    parser.add_argument("--seconds", type=int, default=40)
    parser.add_argument("--max-participants", type=int, default=2000)
    args = parser.parse_args()

    pg = PrivatePostgres()
    gunicorn = None
    try:
        pg.init()
        app_port = free_port()
        env = {**os.environ, "DATABASE_URL": pg.url, "SECRET_KEY": "soak-secret",
               "SURVEYAPP_PUBLIC_URL": f"http://127.0.0.1:{app_port}",
               # every client comes from 127.0.0.1: the per-address limit of open links is lifted
               "SURVEYAPP_OPEN_LINK_POSTS_PER_HOUR": "1000000"}
        init = subprocess.run([str(VENV_BIN / "surveyapp"), "init", "--demo"], env=env, cwd=ROOT,
                              check=True, capture_output=True, text=True)
        match = re.search(r"avslutningsenkat\s+(\S*/s/\S+)", init.stdout)
        if not match:
            sys.exit("soak: surveyapp init --demo printed no avslutningsenkät link")
        token = urlsplit(match.group(1)).path.rsplit("/", 1)[1]
        gunicorn = subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "--workers", "2", "--threads", "4",
             "--bind", f"127.0.0.1:{app_port}", "--timeout", "30", "--log-level", "warning", "wsgi:app"],
            env=env, cwd=ROOT, stderr=(pg.dir / "gunicorn.log").open("w"))
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", app_port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)

        tally = Tally()
        start = time.time()
        deadline = start + args.seconds
        outages = [(0.2, 0.35), (0.6, 0.75)]  # fractions of the run: stop, start

        def database_restarts() -> None:
            for stop_at, start_at in outages:
                time.sleep(max(0, start + stop_at * args.seconds - time.time()))
                pg.stop()
                print(f"  {time.time() - start:5.1f} s  database stopped", flush=True)
                time.sleep(max(0, start + start_at * args.seconds - time.time()))
                pg.start()
                print(f"  {time.time() - start:5.1f} s  database started", flush=True)

        restarts = threading.Thread(target=database_restarts)
        restarts.start()
        started = 0
        threads: list[threading.Thread] = []
        while time.time() < deadline and started < args.max_participants:
            threads = [t for t in threads if t.is_alive()]
            while len(threads) < args.clients and started < args.max_participants:
                thread = threading.Thread(target=participant,
                                          args=(("127.0.0.1", app_port), token, tally, deadline))
                thread.start()
                threads.append(thread)
                started += 1
            time.sleep(0.05)
        restarts.join()
        for thread in threads:
            thread.join()

        stored_counts = Counter(_stored_comments(pg, env))
        submitted = set(tally.submitted)
        acknowledged = set(tally.acknowledged)
        stored = {s for s in stored_counts if s in submitted}
        lost = acknowledged - stored
        duplicated = sum(1 for s in stored if stored_counts[s] > 1)
        print(f"submitted      {len(submitted)}")
        print(f"acknowledged   {len(acknowledged)}")
        print(f"stored         {len(stored)}")
        print(f"lost           {len(lost)}  (acknowledged, not stored)")
        print(f"duplicated     {duplicated}")
        print(f"unacknowledged {len(tally.unacknowledged)}  (of which still in the participant's page: "
              f"{tally.kept_in_page})")
        print("seen during the outages:")
        for what, count in sorted(tally.seen.items()):
            print(f"  {count:6d}  {what}")
        ok = not lost and not duplicated and tally.kept_in_page == len(tally.unacknowledged)
        print("result        ", "OK" if ok else "FAILED")
        if not ok:
            print((pg.dir / "gunicorn.log").read_text()[-4000:])
        sys.exit(0 if ok else 1)
    finally:
        if gunicorn is not None:
            gunicorn.terminate()
            gunicorn.wait(timeout=30)
        pg.cleanup()


def _stored_comments(pg: PrivatePostgres, env: dict) -> list[str]:
    out = subprocess.run(
        ["psql", "-h", "127.0.0.1", "-p", str(pg.port), "-U", "postgres", "-d", "surveyapp", "-At", "-c",
         "SELECT text FROM answers WHERE question_key = 'kommentar'"],
        check=True, capture_output=True, text=True, env=env)
    return out.stdout.split()


if __name__ == "__main__":
    main()

"""Måluppfyllelse and the register on the Deltagare pages: the page shows the figures of
``surveyapp goals --json`` and of the project workbook, a samordnare sees only their own
kommun, and projektledning's bedömning is stored beside the computed status and logged."""

from __future__ import annotations

import json
import re
from datetime import date

import openpyxl
from sqlalchemy import select

from surveyapp.extensions import db
from surveyapp.models import AuditEvent, ParticipantCode
from tests import factories
from tests.project_data import load_project

STATUS_SV = {"uppnatt": "Uppnått", "nara": "Nära", "ej_uppnatt": "Ej uppnått", "osaker": "Osäker"}
VERDICT_SV = {"uppnatt": "Uppnått", "delvis": "Delvis uppnått", "ej_uppnatt": "Ej uppnått",
              "osaker": "Osäker"}


def _cell(html: str, goal_key: str, group: str) -> str:
    """A goal's figure for a group (or "total") in whichever table of the page shows it."""
    for row in re.findall(rf'<tr data-goal="{re.escape(goal_key)}"[^>]*>(.*?)</tr>', html, re.S):
        cell = re.search(rf'<td class="goal-cell" data-group="{re.escape(group)}">(.*?)</td>', row, re.S)
        if cell:
            return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell.group(1))).strip()
    return "–"


def _json(runner, *args) -> dict:
    result = runner.invoke(args=["goals", "--json", *args])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


def test_page_json_and_workbook_show_the_same_goal_table(client, runner, tmp_path):
    load_project(runner, tmp_path)
    factories.login(client, factories.user("pl@example.se", "projektledning"))
    html = client.get("/staff/maluppfyllelse").get_data(as_text=True)
    table = _json(runner)
    out = tmp_path / "projekt.xlsx"
    assert runner.invoke(args=["goals", "--xlsx", str(out)]).exit_code == 0
    sheet = openpyxl.load_workbook(out)["Måluppfyllelse"]
    rows = {r[0]: r for r in sheet.iter_rows(min_row=7, values_only=True) if r[0]}
    for goal in table["goals"]:
        if goal["value"] is None:
            continue
        text = _cell(html, goal["key"], "total")
        row = rows[goal["label"]]
        if goal["measure"] == "participants":
            assert text.startswith(f"{goal['value']} (av {goal['target']})"), text
            assert (row[3], row[4], row[5]) == (goal["value"], goal["k"], goal["n"])
        else:
            pct = int(goal["value"] + 0.5)
            assert text.startswith(f"{pct} % ({goal['k']} av {goal['n']})"), text
            assert (round(row[3] * 100, 1), row[4], row[5]) == (goal["value"], goal["k"], goal["n"])
        assert STATUS_SV[goal["status"]] in text
        assert row[6] == VERDICT_SV[goal["verdict"]]
    # per kön: the register gives the avslut its groups; a small cell is "–" everywhere
    assert _cell(html, "avslut.0", "kon:kvinna").startswith("43 % (3 av 7) Uppnått")
    assert _cell(html, "uppfoljning_6man.0", "kon:man") == "–"
    assert table["goals"][-1]["by"]["kon"]["man"] == {"suppressed": True}
    # the reach
    reach = re.search(r'<tr data-reach="uppfoljning_6man">(.*?)</tr>', html, re.S).group(1)
    assert "67\xa0% (6 av 9)" in reach
    # the project workbook goes on with each questionnaire's own sheets
    names = openpyxl.load_workbook(out).sheetnames
    assert names[:2] == ["Innehåll", "Måluppfyllelse"] and "Avslut Översikt" in names
    # with each questionnaire's answer sheet, streamed from the database, as the frames give it
    from surveyapp.analysis.records import answer_table
    from surveyapp.services.frames import load_answers

    expected = answer_table(load_answers("avslut"))
    answers = list(openpyxl.load_workbook(out)["Avslut Svar"].iter_rows(values_only=True))
    assert answers[0] == expected.columns
    assert [row[0] for row in answers[1:]] == [row[0] for row in expected.rows]
    assert db.session.scalars(select(AuditEvent).filter_by(action="export.responses")).first() is not None


def test_samordnare_sees_only_their_own_kommun(client, runner, tmp_path):
    load_project(runner, tmp_path)
    factories.login(client, factories.user("s@mariestad.example", "samordnare", ["Mariestad"]))
    html = client.get("/staff/maluppfyllelse").get_data(as_text=True)
    assert "Skövde" not in html
    # Mariestad: 8 participants of its own 120; utfall 3 of 6 to work, studies or job-seeking
    assert _cell(html, "participants", "total").startswith("8 (av 120)")
    assert _cell(html, "participants", "organisation:Mariestad").startswith("8 (av 120)")
    assert _cell(html, "avslut.0", "total").startswith("50 % (3 av 6) Uppnått")
    # and cannot write a bedömning
    refused = client.post("/staff/maluppfyllelse/bedomning",
                          data={"goal": "avslut.0", "goal-avslut.0-assessment": "x"})
    assert refused.status_code == 403


def test_projektledning_writes_a_bedomning_beside_the_computed_status(client, runner, tmp_path):
    load_project(runner, tmp_path)
    factories.login(client, factories.user("pl@example.se", "projektledning"))
    motivering = "Troligen uppnått: de flesta ökade inom ett steg."
    result = client.post("/staff/maluppfyllelse/bedomning", data={
        "goal": "uppfoljning_6man.0",
        "goal-uppfoljning_6man.0-assessment": "uppnatt",
        "goal-uppfoljning_6man.0-motivering": motivering,
    })
    assert result.status_code == 302
    html = client.get("/staff/maluppfyllelse").get_data(as_text=True)
    row = re.search(r'<tr data-goal="uppfoljning_6man.0"[^>]*>(.*?)</tr>', html, re.S).group(1)
    # the verdict as a word on its colour, the motivering in the same row, the computed status kept
    assert 'class="verdict verdict-uppnatt">Uppnått<' in row and motivering in row and "Nära" in row
    goal = next(g for g in _json(runner)["goals"] if g["key"] == "uppfoljning_6man.0")
    assert (goal["verdict"], goal["bedomning"], goal["motivering"], goal["status"]) == (
        "uppnatt", "uppnatt", motivering, "nara")
    event = db.session.scalars(select(AuditEvent).filter_by(action="goal.assess")).one()
    assert motivering in event.detail and event.actor == "pl@example.se"
    unknown = client.post("/staff/maluppfyllelse/bedomning", data={"goal": "nothing.0"})
    assert unknown.status_code == 404


def test_a_manual_delmal_is_judged_by_projektledning_and_bad_verdicts_store_nothing(client, runner, tmp_path):
    load_project(runner, tmp_path)
    factories.login(client, factories.user("pl@example.se", "projektledning"))
    key = "manual.anpassat_material"
    before = next(g for g in _json(runner)["goals"] if g["key"] == key)
    assert before["manual"] is True and before["verdict"] is None and before["value"] is None
    refused = client.post("/staff/maluppfyllelse/bedomning", data={
        "goal": key, f"goal-{key}-assessment": "troligen uppnått", f"goal-{key}-motivering": "x"},
        follow_redirects=True)
    assert "Välj en bedömning på skalan" in refused.get_data(as_text=True)
    too_long = client.post("/staff/maluppfyllelse/bedomning", data={
        "goal": key, f"goal-{key}-assessment": "delvis", f"goal-{key}-motivering": "x" * 4001},
        follow_redirects=True)
    assert "högst 4000 tecken" in too_long.get_data(as_text=True)
    assert db.session.scalars(select(AuditEvent).filter_by(action="goal.assess")).all() == []
    client.post("/staff/maluppfyllelse/bedomning", data={
        "goal": key, f"goal-{key}-assessment": "delvis",
        f"goal-{key}-motivering": "Material på lättläst svenska finns; bildstöd saknas ännu."})
    after = next(g for g in _json(runner)["goals"] if g["key"] == key)
    assert after["verdict"] == "delvis" and after["motivering"].startswith("Material på lättläst")
    html = client.get("/staff/maluppfyllelse").get_data(as_text=True)
    section = re.search(r'<tr class="projektmal"><th[^>]*>Alla i målgruppen har lika möjligheter.*?</tbody>',
                        html, re.S).group(0)
    assert 'verdict-delvis">Delvis uppnått<' in section and "bildstöd saknas" in section


def test_samordnare_registers_a_participant_at_inskrivning(client):
    mariestad = factories.organisation("Mariestad")
    factories.login(client, factories.user("s@mariestad.example", "samordnare"))
    page = client.get("/staff/deltagare").get_data(as_text=True)
    assert "Skriv in en deltagare" in page
    result = client.post("/staff/deltagare/skriv-in", data={
        "register-organisation": mariestad.id, "register-enrolled_on": "2026-01-12",
        "register-kon": "kvinna", "register-aldersgrupp": "19-24", "register-fodelseregion": "utanfor_norden",
    })
    assert result.status_code == 302 and "/staff/deltagare/kort" in result.headers["Location"]
    code = db.session.scalars(select(ParticipantCode)).one()
    assert (code.enrolled_on, code.kon, code.aldersgrupp, code.fodelseregion) == (
        date(2026, 1, 12), "kvinna", "19-24", "utanfor_norden")
    listed = client.get("/staff/deltagare").get_data(as_text=True)
    assert code.code in listed and "12 jan. 2026" in listed

    bad = client.post(f"/staff/deltagare/{code.code}/register", data={
        "register-enrolled_on": "2026-01-12", "register-ended_on": "2025-12-01",
        "register-kon": "kvinna", "register-aldersgrupp": "19-24", "register-fodelseregion": "sverige",
    })
    assert bad.status_code == 400
    assert "Avslutet (2025-12-01) ligger före inskrivningen (2026-01-12)." in bad.get_data(as_text=True)
    good = client.post(f"/staff/deltagare/{code.code}/register", data={
        "register-enrolled_on": "2026-01-12", "register-ended_on": "2026-02-01",
        "register-kon": "kvinna", "register-aldersgrupp": "19-24", "register-fodelseregion": "sverige",
    })
    assert good.status_code == 302
    db.session.refresh(code)
    assert (code.exited_on, code.fodelseregion) == (date(2026, 2, 1), "sverige")
    actions = set(db.session.scalars(select(AuditEvent.action)))
    assert {"register.add", "register.edit"} <= actions


def test_codes_answers_carry_but_the_register_lacks_are_listed_to_complete(client, runner, tmp_path):
    load_project(runner, tmp_path)
    db.session.delete(db.session.scalar(select(ParticipantCode).filter_by(code="MA-02")))
    db.session.commit()
    factories.login(client, factories.user("s@mariestad.example", "samordnare"))
    page = client.get("/staff/deltagare").get_data(as_text=True)
    assert "Koder som saknas i registret" in page and "MA-02" in page
    assert "SK-01" not in page  # another kommun's
    form = client.get("/staff/deltagare?complete=MA-02").get_data(as_text=True)
    assert 'value="MA-02"' in form
    mariestad = factories.organisation("Mariestad")
    result = client.post("/staff/deltagare/skriv-in", data={
        "register-code": "MA-02", "register-organisation": mariestad.id, "register-enrolled_on": "2025-01-15",
        "register-kon": "kvinna", "register-aldersgrupp": "25-29", "register-fodelseregion": "sverige",
    })
    assert result.status_code == 302
    assert db.session.scalar(select(ParticipantCode).filter_by(code="MA-02")).kon == "kvinna"
    # a code of another kommun cannot be taken over
    refused = client.post("/staff/deltagare/skriv-in", data={
        "register-code": "SK-01", "register-organisation": mariestad.id, "register-enrolled_on": "2025-01-15",
        "register-kon": "kvinna", "register-aldersgrupp": "25-29", "register-fodelseregion": "sverige",
    })
    assert refused.status_code == 404


def test_samordnare_records_an_insats_on_the_participants_page(client):
    from surveyapp.models import ParticipantInsats
    from surveyapp.services.participant_codes import create_codes

    code = create_codes(factories.organisation("Mariestad"), 1)[0]
    db.session.commit()
    factories.login(client, factories.user("s@mariestad.example", "samordnare"))
    page = client.get(f"/staff/deltagare/{code.code}").get_data(as_text=True)
    assert "Inga insatser registrerade." in page and "Jobbinriktade insatser" in page
    bad = client.post(f"/staff/deltagare/{code.code}/insatser", data={
        "insats-insats": "jobbinriktade", "insats-started_on": "2026-02-01", "insats-ended_on": "2026-01-01"})
    assert bad.status_code == 303
    assert "Insatsens sista dag (2026-01-01) ligger före dess första (2026-02-01)." in client.get(
        f"/staff/deltagare/{code.code}").get_data(as_text=True)
    good = client.post(f"/staff/deltagare/{code.code}/insatser", data={
        "insats-insats": "jobbinriktade", "insats-started_on": "2026-02-01"})
    assert good.status_code == 302
    stored = db.session.scalars(select(ParticipantInsats)).one()
    assert (stored.insats, stored.started_on, stored.ended_on) == ("jobbinriktade", date(2026, 2, 1), None)
    page = client.get(f"/staff/deltagare/{code.code}").get_data(as_text=True)
    assert "Jobbinriktade insatser: 1 feb. 2026 – pågår" in page


def test_insatser_table_on_the_goal_page(client, runner, tmp_path):
    from tests.project_data import _write

    load_project(runner, tmp_path)
    rows = [{"participant_code": c, "insats": "jobbinriktade", "started_on": "2025-05-01", "ended_on": ""}
            for c in ("MA-01", "MA-02", "MA-06", "SK-01", "SK-05")]
    assert runner.invoke(args=["participants", "import-insatser",
                               str(_write(tmp_path / "ins.csv", rows))]).exit_code == 0
    factories.login(client, factories.user("pl@example.se", "projektledning"))
    html = client.get("/staff/maluppfyllelse").get_data(as_text=True)
    row = re.search(r'<tr data-insats="jobbinriktade">(.*?)</tr>', html, re.S).group(1)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row))
    # the figures of tests/test_goals.py: 5 of 14; 5 of 5 with, 0 of 7 without, p 0.00053
    assert "36 % (5 av 14)" in text.replace("\xa0", " ")
    assert "100 % (5 av 5)" in text.replace("\xa0", " ") and "0 % (0 av 7)" in text.replace("\xa0", " ")
    assert "&lt; 0,001" in text.replace("\xa0", " ") and "tolka med försiktighet" in text


def test_samordnare_fills_in_the_staff_rating_on_the_participants_page(client):
    from surveyapp.models import Response
    from surveyapp.services.participant_codes import create_codes

    factories.round_("personalskattning")
    code = create_codes(factories.organisation("Mariestad"), 1)[0]
    db.session.commit()
    factories.login(client, factories.user("s@mariestad.example", "samordnare"))
    page = client.get(f"/staff/deltagare/{code.code}").get_data(as_text=True)
    assert "Fyll i personalens skattning" in page
    items = ("tro_pa_formaga", "vet_hur_forbattra", "ide_om_arbete", "halsa_for_arbete", "hantera_vardag",
             "sociala_kompetenser", "soka_arbete")
    result = client.post(f"/staff/deltagare/{code.code}/personalskattning/sv",
                         data={item: "3" for item in items})
    assert result.status_code == 302
    response = db.session.scalars(select(Response)).one()
    assert (response.participant_code, response.channel) == (code.code, "self")
    assert {a.question_key: a.number for a in response.answers}["tro_pa_formaga"] == 3


def test_staff_rating_beside_the_participants_own_on_the_goal_page(client, runner, tmp_path):
    from tests.exports.dataset import personalskattning_rows, progressionskort_rows, write_csv

    for name in ("Mariestad", "Skövde", "Lidköping"):
        factories.organisation(name)
    for key, rows in (("progressionskort", progressionskort_rows(60)),
                      ("personalskattning", personalskattning_rows())):
        path = write_csv(tmp_path / f"{key}.csv", rows)
        assert runner.invoke(args=["import", key, str(path), "--round", "R1"]).exit_code == 0
    report = json.loads(runner.invoke(args=["report", "personalskattning", "--json"]).output)
    beside = report["beside_own"]["tro_pa_formaga"]
    factories.login(client, factories.user("pl@example.se", "projektledning"))
    html = client.get("/staff/maluppfyllelse").get_data(as_text=True)
    row = re.search(r'<tr data-item="tro_pa_formaga">(.*?)</tr>', html, re.S).group(1)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row))
    delta = f"{beside['delta']:.2f}".replace(".", ",")
    assert delta in text and "111" in text


def test_the_goal_page_is_computed_once_per_data_version(client, runner, tmp_path, app):
    from surveyapp.services import report_cache

    load_project(runner, tmp_path)
    factories.login(client, factories.user("pl@example.se", "projektledning"))
    counters = report_cache.stats(app)
    first = client.get("/staff/maluppfyllelse")
    computed = counters.computed
    assert first.status_code == 200 and computed >= 1
    client.get("/staff/maluppfyllelse")
    assert counters.computed == computed  # the goal, insatser and staff tables were kept
    # a new participant changes the data: the table is computed again and shows them
    result = runner.invoke(args=["participants", "import", str(_register_file(tmp_path))])
    assert result.exit_code == 0, result.output
    html = client.get("/staff/maluppfyllelse").get_data(as_text=True)
    assert counters.computed > computed and _cell(html, "participants", "total").startswith("15 ")


def _register_file(tmp_path):
    from tests.project_data import _write

    return _write(tmp_path / "one-more.csv", [{
        "participant_code": "MA-09", "organisation": "Mariestad", "enrolled_on": "2025-05-01", "ended_on": "",
        "kon": "kvinna", "aldersgrupp": "25-29", "fodelseregion": "sverige"}])


def test_the_goal_page_shows_two_dates_side_by_side_with_the_change(client, runner, tmp_path):
    load_project(runner, tmp_path)
    factories.login(client, factories.user("pl@example.se", "projektledning"))
    html = client.get("/staff/maluppfyllelse?per=2026-06-30&jamfor=2025-03-01").get_data(as_text=True)
    assert "Tabellen som den såg ut 30 juni 2026" in html
    head = re.search(r'<table class="data goals tabell1" id="goal-table">.*?</thead>', html, re.S).group(0)
    assert "1 mars 2025" in head and "30 juni 2026" in head and "Förändring" in head
    row = re.search(r'<tr data-goal="participants"[^>]*>(.*?)</tr>', html, re.S).group(1)
    # 10 registered by March 2025, 14 by June 2026
    assert _cell(html, "participants", "then").startswith("10 ") and _cell(html, "participants", "total") \
        .startswith("14 ") and '<td class="num change">+4</td>' in row
    wrong = client.get("/staff/maluppfyllelse?per=igår").get_data(as_text=True)
    assert "”igår” är inget datum" in wrong and "Tabellen som den ser ut i dag." in wrong


def test_the_goal_page_opens_with_participant_ratings_and_no_staff_ratings(client, runner, tmp_path):
    from tests.project_data import _write

    load_project(runner, tmp_path)
    items = ("tror_klarar_arbete", "vet_hur_forbattra", "ide_om_arbete", "halsa_for_arbete", "hantera_vardag",
             "sociala_kompetenser", "soka_arbete")
    rows = [{"submitted_at": day, "language": "sv", "organisation": "Mariestad", "participant_code": code,
             "kon": "kvinna", "aldersgrupp": "25-29", "fodelseregion": "sverige",
             **{item: score for item in items}, "timmar_aktivitet": band}
            for code in ("MA-01", "MA-02", "MA-03")
            for day, score, band in (("2025-02-01", "2", "1-5"), ("2025-08-01", "4", "10-19"))]
    path = _write(tmp_path / "progressionskort.csv", rows)
    result = runner.invoke(args=["import", "progressionskort", str(path), "--round", "R1"])
    assert result.exit_code == 0, result.output
    factories.login(client, factories.user("pl@example.se", "projektledning"))
    page = client.get("/staff/maluppfyllelse")
    assert page.status_code == 200
    assert "Personalens skattning bredvid deltagarens egen" not in page.get_data(as_text=True)

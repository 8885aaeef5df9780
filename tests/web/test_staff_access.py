"""Every staff route's access rule, checked on the server: anonymous users are sent to the
login page, other roles get 403, and a samordnare never reaches another kommun's data (404),
not even by editing an id in the URL.

``RULES`` and ``MORE_RULES`` list every route and method of the staff areas;
``test_every_staff_route_has_an_access_rule`` fails when a route or method is added without one.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import url_for

from surveyapp.extensions import db
from surveyapp.models import Account, ParticipantCode, Round
from surveyapp.services.participant_codes import create_codes
from surveyapp.services.staff_rounds import save_round
from tests import factories

#: blueprints whose routes are staff routes
STAFF_BLUEPRINTS = ("staff", "auth", "kiosk", "reports")
#: blueprints for respondents and interpreters, guarded by their links' tokens (tested in
#: test_answering, test_invitations, test_recordings and test_translations)
RESPONDENT_BLUEPRINTS = ("main", "survey", "invitations", "interpreter", "translator")
#: public routes in those blueprints, and what guards them instead
PUBLIC = {
    "auth.login": "the login page itself",
    "auth.set_password_with_link": "a one-time token from an admin",
    "kiosk.home": "a running kiosk in the session (tested in test_kiosk)",
    "kiosk.answer": "a running kiosk in the session",
    "kiosk.submit": "a running kiosk in the session",
    "kiosk.thanks": "a running kiosk in the session",
    "kiosk.saved": "a running kiosk in the session",
    "kiosk.toggle_assisted": "a running kiosk in the session",
    "kiosk.end": "a running kiosk and the samordnare's PIN",
    # a staff login (the blueprint's rule), and then only the account that started the job,
    # while it still sees every organisation the job covered (tested in test_jobs)
    "reports.job_page": "the job's owner",
    "reports.job_status": "the job's owner",
    "reports.job_file": "the job's owner",
    "staff.goal_job": "the job's owner (tested in test_goal_downloads)",
    "staff.goal_job_status": "the job's owner",
    "staff.goal_job_file": "the job's owner",
    # a staff login with a manager's role (the view's rule), and then only the account that
    # uploaded the spreadsheet (tested in test_staff_questionnaires)
    "staff.questionnaire_check": "the upload's owner (tested in test_staff_questionnaires)",
    "staff.questionnaire_preview": "the upload's owner",
    "staff.questionnaire_publish": "the upload's owner",
    # an answer's themes: projektledning only, on an answer listed for them (test_open_answers)
    "reports.tag_answer": "projektledning, on a listed open answer (tested in test_open_answers)",
}
ALL = ("admin", "projektledning", "samordnare")
#: a participant's register entry as the Deltagare forms send it
REGISTER_ENTRY = {"register-enrolled_on": "2026-01-12", "register-kon": "man",
                  "register-aldersgrupp": "30-44", "register-fodelseregion": "sverige"}
MANAGERS = ("admin", "projektledning")


@dataclass
class World:
    """Objects of two kommuner: the samordnare works for Mariestad, never for Skövde."""

    own_round: Round
    other_round: Round
    own_code: ParticipantCode
    other_code: ParticipantCode
    other_account: Account


@dataclass(frozen=True)
class Rule:
    method: str
    roles: tuple[str, ...]
    #: the URL with the samordnare's own objects
    url: object
    #: the URL with another kommun's object (None: the route has no organisation in it)
    other: object = None
    data: object = None
    #: the form data sent to the other kommun's URL (default: ``data``)
    other_data: object = None
    #: what the other kommun's URL answers a samordnare: 404, or 400 where the form's choices
    #: hold only the samordnare's own organisations
    other_status: int = 404


RULES: dict[str, Rule] = {
    "staff.home": Rule("GET", ALL, lambda w: url_for("staff.home")),
    "staff.rounds": Rule("GET", ALL, lambda w: url_for("staff.rounds")),
    "staff.round_page": Rule("GET", ALL, lambda w: url_for("staff.round_page", round_id=w.own_round.id),
                             lambda w: url_for("staff.round_page", round_id=w.other_round.id)),
    "staff.round_new": Rule("GET", MANAGERS, lambda w: url_for("staff.round_new")),
    "staff.round_edit": Rule("GET", MANAGERS, lambda w: url_for("staff.round_edit", round_id=w.own_round.id)),
    "staff.round_state": Rule("POST", MANAGERS,
                              lambda w: url_for("staff.round_state", round_id=w.own_round.id),
                              data=lambda w: {"action": "close"}),
    "staff.round_expectations": Rule("POST", MANAGERS,
                                     lambda w: url_for("staff.round_expectations", round_id=w.own_round.id)),
    "staff.round_link": Rule(
        "POST", ALL, lambda w: url_for("staff.round_link", round_id=w.own_round.id),
        lambda w: url_for("staff.round_link", round_id=w.other_round.id),
        data=lambda w: {"organisation": w.own_code.organisation_id, "role": ""},
        other_data=lambda w: {"organisation": w.other_code.organisation_id, "role": ""},
    ),
    "staff.invitations_new": Rule(
        "POST", ALL, lambda w: url_for("staff.invitations_new", round_id=w.own_round.id),
        lambda w: url_for("staff.invitations_new", round_id=w.other_round.id),
        data=lambda w: {"organisation": w.own_code.organisation_id, "role": "kommunchef", "count": 1},
        other_data=lambda w: {"organisation": w.other_code.organisation_id, "role": "kommunchef", "count": 1},
    ),
    "staff.participants": Rule("GET", ("samordnare",), lambda w: url_for("staff.participants")),
    "staff.participant": Rule("GET", ("samordnare",),
                              lambda w: url_for("staff.participant", code=w.own_code.code),
                              lambda w: url_for("staff.participant", code=w.other_code.code)),
    "staff.participant_cards": Rule("GET", ("samordnare",),
                                    lambda w: url_for("staff.participant_cards", id=w.own_code.id),
                                    lambda w: url_for("staff.participant_cards", id=w.other_code.id)),
    "staff.participant_form": Rule(
        "GET", ("samordnare",),
        lambda w: url_for("staff.participant_form", code=w.own_code.code, key="avslut", language="sv"),
        lambda w: url_for("staff.participant_form", code=w.other_code.code, key="avslut", language="sv"),
    ),
    "staff.edit_register": Rule("GET", ("samordnare",),
                                lambda w: url_for("staff.edit_register", code=w.own_code.code),
                                lambda w: url_for("staff.edit_register", code=w.other_code.code)),
    "staff.register_participant": Rule(
        "POST", ("samordnare",), lambda w: url_for("staff.register_participant"),
        lambda w: url_for("staff.register_participant"),
        data=lambda w: {"register-organisation": w.own_code.organisation_id, **REGISTER_ENTRY},
        other_data=lambda w: {"register-organisation": w.other_code.organisation_id, **REGISTER_ENTRY},
        other_status=400,
    ),
    "staff.add_participant_insats": Rule(
        "POST", ("samordnare",),
        lambda w: url_for("staff.add_participant_insats", code=w.own_code.code),
        lambda w: url_for("staff.add_participant_insats", code=w.other_code.code),
        data=lambda w: {"insats-insats": "halsa", "insats-started_on": "2026-01-12"},
    ),
    "staff.goals": Rule("GET", ("projektledning", "samordnare"), lambda w: url_for("staff.goals")),
    "staff.save_goal_assessment": Rule("POST", ("projektledning",),
                                       lambda w: url_for("staff.save_goal_assessment"),
                                       data=lambda w: {"goal": "participants"}),
    "staff.users": Rule("GET", ("admin",), lambda w: url_for("staff.users")),
    "staff.user_disable": Rule("POST", ("admin",),
                               lambda w: url_for("staff.user_disable", account_id=w.other_account.id)),
    "staff.user_enable": Rule("POST", ("admin",),
                              lambda w: url_for("staff.user_enable", account_id=w.other_account.id)),
    "staff.user_reset": Rule("POST", ("admin",),
                             lambda w: url_for("staff.user_reset", account_id=w.other_account.id)),
    "staff.user_organisations": Rule(
        "GET", ("admin",), lambda w: url_for("staff.user_organisations", account_id=w.other_account.id)),
    "staff.user_projects": Rule(
        "GET", ("admin",), lambda w: url_for("staff.user_projects", account_id=w.other_account.id)),
    "staff.choose_project": Rule("POST", ALL, lambda w: url_for("staff.choose_project"),
                                 data=lambda w: {"project": w.own_round.project_id}),
    "staff.project_page": Rule("GET", MANAGERS, lambda w: url_for("staff.project_page")),
    "staff.overview": Rule("GET", MANAGERS, lambda w: url_for("staff.overview")),
    "staff.project_new": Rule("POST", ("admin",), lambda w: url_for("staff.project_new"),
                              data=lambda w: {"nytt-name": "", "nytt-copy_of": "0"}),
    # (unconfirmed: answered 400, nothing archived; a project not archived: 409, nothing purged)
    "staff.project_archive": Rule("POST", ("admin",), lambda w: url_for(
        "staff.project_archive", project_id=w.own_round.project_id), data=lambda w: {}),
    "staff.project_purge": Rule("GET", ("admin",), lambda w: url_for(
        "staff.project_purge", project_id=w.own_round.project_id)),
    "staff.organisations": Rule("GET", ("admin",), lambda w: url_for("staff.organisations")),
    "staff.audit": Rule("GET", ("admin",), lambda w: url_for("staff.audit")),
    "staff.recordings": Rule("GET", MANAGERS, lambda w: url_for("staff.recordings")),
    "staff.recording_page": Rule(
        "GET", MANAGERS, lambda w: url_for("staff.recording_page", key="avslutningsenkat", language="ti")),
    "staff.recording_save": Rule(
        "POST", MANAGERS, lambda w: url_for("staff.recording_save", key="avslutningsenkat", language="ti"),
        data=lambda w: {"action": "publish", "text": "0" * 64}),
    "staff.recording_audio": Rule("GET", MANAGERS, lambda w: _draft_audio_url()),
    "staff.recording_link_new": Rule(
        "POST", MANAGERS, lambda w: url_for("staff.recording_link_new"),
        data=lambda w: {"questionnaire": "avslutningsenkat", "language": "ti"}),
    "staff.translations": Rule("GET", MANAGERS, lambda w: url_for("staff.translations")),
    "staff.translation_link_new": Rule(
        "POST", MANAGERS, lambda w: url_for("staff.translation_link_new"),
        data=lambda w: {"label": "Selam", "questionnaire": "avslutningsenkat", "language": "ti",
                        "days": "7"}),
    "staff.translation_link_revoke": Rule("POST", MANAGERS, lambda w: _translation_link_revoke_url()),
    "staff.recording_link_revoke": Rule("POST", MANAGERS, lambda w: _recording_link_revoke_url()),
    "staff.questionnaires": Rule("GET", MANAGERS, lambda w: url_for("staff.questionnaires")),
    "staff.questionnaire_download": Rule(
        "GET", MANAGERS, lambda w: url_for("staff.questionnaire_download", key="avslut")),
    "staff.questionnaire_upload": Rule("POST", MANAGERS, lambda w: url_for("staff.questionnaire_upload")),
    "auth.account": Rule("GET", ALL, lambda w: url_for("auth.account")),
    "auth.logout": Rule("POST", ALL, lambda w: url_for("auth.logout")),
    "kiosk.start": Rule("GET", ("samordnare",), lambda w: url_for("kiosk.start")),
    "reports.index": Rule("GET", ALL, lambda w: url_for("reports.index")),
    "reports.report_page": Rule(
        "GET", ALL,
        lambda w: url_for("reports.report_page", key="samverkan", organisation=w.own_code.organisation_id),
        lambda w: url_for("reports.report_page", key="samverkan", organisation=w.other_code.organisation_id),
    ),
    "reports.download": Rule(
        "POST", ALL,
        lambda w: url_for("reports.download", key="samverkan", organisation=w.own_code.organisation_id),
        lambda w: url_for("reports.download", key="samverkan", organisation=w.other_code.organisation_id),
    ),
    "reports.evaluator_export": Rule(
        "POST", MANAGERS, lambda w: url_for("reports.evaluator_export", key="samverkan"),
        data=lambda w: {"format": "csv"}),
    "reports.theme_page": Rule("GET", ("projektledning",), lambda w: url_for("reports.theme_page")),
    "reports.add_theme": Rule("POST", ("projektledning",), lambda w: url_for("reports.add_theme"),
                              data=lambda w: {"namn": "Väntetider"}),
    "reports.rename": Rule("POST", ("projektledning",),
                           lambda w: url_for("reports.rename", theme_id=_theme_id()),
                           data=lambda w: {"namn": "Bemötande"}),
    "reports.remove": Rule("POST", ("projektledning",),
                           lambda w: url_for("reports.remove", theme_id=_theme_id())),
    "staff.goal_xlsx": Rule("POST", ("projektledning", "samordnare"), lambda w: url_for("staff.goal_xlsx")),
    "staff.goal_docx": Rule("POST", ("projektledning", "samordnare"), lambda w: url_for("staff.goal_docx")),
}


def _theme_id() -> int:
    """A theme of open answers (stored for the test)."""
    import uuid

    from sqlalchemy import select

    from surveyapp.models import AnswerTheme, Project

    first = db.session.scalar(select(Project.id).order_by(Project.id))  # the staff's own project
    theme = AnswerTheme(name=f"Tema {uuid.uuid4().hex[:8]}", project_id=first)
    db.session.add(theme)
    db.session.commit()
    return theme.id


def _translation_link_revoke_url() -> str:
    """The address that revokes a translator's link (made for the test)."""
    from surveyapp.services.texts import create_link

    link, _token = create_link("Selam", "avslutningsenkat", "ti", None)
    db.session.commit()
    return url_for("staff.translation_link_revoke", link_id=link.id)


def _recording_link_revoke_url() -> str:
    """The address that revokes an interpreter's link (made for the test)."""
    from surveyapp.services.recordings import create_link

    link, _token = create_link("avslutningsenkat", "ti", None)
    db.session.commit()
    return url_for("staff.recording_link_revoke", link_id=link.id)


def _draft_audio_url() -> str:
    """The staff address of a draft recording (stored for the test)."""
    from surveyapp.models import Recording

    draft = Recording(content_hash="c" * 64, language="ti", text_hash="t" * 64, text="text",
                      mime_type="audio/mpeg", size_bytes=len(factories.MP3), data=factories.MP3)
    db.session.add(draft)
    db.session.commit()
    return url_for("staff.recording_audio", content_hash=draft.content_hash)


#: the other method of routes that answer both GET and POST, keyed "endpoint METHOD"
MORE_RULES: dict[str, Rule] = {
    "staff.round_new POST": Rule("POST", MANAGERS, lambda w: url_for("staff.round_new")),
    "staff.round_edit POST": Rule("POST", MANAGERS,
                                  lambda w: url_for("staff.round_edit", round_id=w.own_round.id)),
    "staff.participants POST": Rule(
        "POST", ("samordnare",), lambda w: url_for("staff.participants"),
        lambda w: url_for("staff.participants"),
        data=lambda w: {"organisation": w.own_code.organisation_id, "count": 1},
        other_data=lambda w: {"organisation": w.other_code.organisation_id, "count": 1},
        other_status=400,
    ),
    "staff.participant_form POST": Rule(
        "POST", ("samordnare",),
        lambda w: url_for("staff.participant_form", code=w.own_code.code, key="avslut", language="sv"),
        lambda w: url_for("staff.participant_form", code=w.other_code.code, key="avslut", language="sv"),
        data=lambda w: {"utfall": "studier", "samtycke_uppfoljning": "nej"},
    ),
    "staff.edit_register POST": Rule(
        "POST", ("samordnare",),
        lambda w: url_for("staff.edit_register", code=w.own_code.code),
        lambda w: url_for("staff.edit_register", code=w.other_code.code),
        data=lambda w: REGISTER_ENTRY,
    ),
    "staff.users POST": Rule("POST", ("admin",), lambda w: url_for("staff.users")),
    "staff.user_organisations POST": Rule(
        "POST", ("admin",), lambda w: url_for("staff.user_organisations", account_id=w.other_account.id)),
    "staff.user_projects POST": Rule(
        "POST", ("admin",), lambda w: url_for("staff.user_projects", account_id=w.other_account.id)),
    "staff.project_page POST": Rule("POST", MANAGERS, lambda w: url_for("staff.project_page"),
                                    data=lambda w: {"total": "10"}),
    "staff.organisations POST": Rule("POST", ("admin",), lambda w: url_for("staff.organisations")),
    "staff.project_purge POST": Rule("POST", ("admin",), lambda w: url_for(
        "staff.project_purge", project_id=w.own_round.project_id), data=lambda w: {"rensa-confirm": "y"}),
    "auth.account POST": Rule("POST", ALL, lambda w: url_for("auth.account"),
                              data=lambda w: {"action": "language", "lang-language": ""}),
    "kiosk.start POST": Rule("POST", ("samordnare",), lambda w: url_for("kiosk.start")),
}


def staff_routes(app) -> set[tuple[str, str]]:
    """Every (endpoint, method) of the staff areas."""
    return {
        (rule.endpoint, method) for rule in app.url_map.iter_rules()
        if rule.endpoint.split(".")[0] in STAFF_BLUEPRINTS
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }


def _tested(endpoint: str, method: str) -> bool:
    return (endpoint in PUBLIC or (endpoint in RULES and RULES[endpoint].method == method)
            or f"{endpoint} {method}" in MORE_RULES)


def test_every_blueprint_is_known_as_staff_or_respondent(app):
    known = set(STAFF_BLUEPRINTS) | set(RESPONDENT_BLUEPRINTS)
    assert set(app.blueprints) - known == set(), "a new blueprint: list it, and test its access rules"


def test_every_staff_route_has_an_access_rule(app):
    routes = staff_routes(app)
    missing = sorted(f"{endpoint} {method}" for endpoint, method in routes if not _tested(endpoint, method))
    assert not missing, f"staff routes without a tested access rule: {missing}"
    stale = [key for key, rule in {**RULES, **MORE_RULES}.items()
             if (key.split()[0], rule.method) not in routes]
    assert not stale, f"rules for routes that no longer exist: {stale}"


@pytest.fixture
def world(app) -> World:
    mariestad = factories.organisation("Mariestad")
    skovde = factories.organisation("Skövde")
    own = save_round(None, questionnaire_key="samverkan", name="MT Mariestad", opens_on=None,
                     closes_on=None, organisations=[mariestad], roles=["kommunchef"],
                     allowed_roles=["kommunchef"])
    other = save_round(None, questionnaire_key="samverkan", name="MT Skövde", opens_on=None,
                       closes_on=None, organisations=[skovde], roles=["kommunchef"],
                       allowed_roles=["kommunchef"])
    factories.round_("avslut")
    own_code = create_codes(mariestad, 1)[0]
    other_code = create_codes(skovde, 1)[0]
    db.session.commit()
    other_account = factories.user("s@skovde.example", "samordnare", organisations=["Skövde"])
    return World(own, other, own_code, other_code, other_account)


def _accounts() -> dict[str, Account]:
    return {
        "admin": factories.user("admin@example.org", "admin"),
        "projektledning": factories.user("pl@example.org", "projektledning"),
        "samordnare": factories.user("s@mariestad.example", "samordnare", organisations=["Mariestad"]),
    }


def _request(client, rule: Rule, world: World, url: str, other: bool = False):
    make = (rule.other_data or rule.data) if other else rule.data
    return client.open(url, method=rule.method, data=make(world) if make else {})


@pytest.mark.parametrize("endpoint", sorted({**RULES, **MORE_RULES}))
def test_access_rule(app, world, endpoint):
    rule = {**RULES, **MORE_RULES}[endpoint]
    accounts = _accounts()
    with app.test_request_context():
        url = rule.url(world)
        other = rule.other(world) if rule.other else None

    anonymous = _request(app.test_client(), rule, world, url)
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"], endpoint

    for role, account in accounts.items():
        client = app.test_client()
        factories.login(client, account)
        result = _request(client, rule, world, url)
        if role in rule.roles:
            assert result.status_code not in (401, 403, 404), (endpoint, role, result.status_code)
            assert "/login?next=" not in result.headers.get("Location", ""), (endpoint, role)
        else:
            assert result.status_code == 403, (endpoint, role, result.status_code)

    if other is not None and "samordnare" in rule.roles:
        client = app.test_client()
        factories.login(client, accounts["samordnare"])
        assert _request(client, rule, world, other, other=True).status_code == rule.other_status, endpoint
        # the same URL works for those who see every kommun
        for role in set(rule.roles) & set(MANAGERS):
            client = app.test_client()
            factories.login(client, accounts[role])
            assert _request(client, rule, world, other, other=True).status_code != 404, (endpoint, role)

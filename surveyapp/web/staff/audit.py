"""Admin: the audit log, its events named in words."""

from flask import render_template, request
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from ...models import Role
from ...services.audit import recent_events
from ...services.projects import all_projects
from ..access import roles_required
from . import blueprint

#: what each recorded event is called on the page (the code stays in the database)
ACTIONS = {
    "login": _l("Inloggning"),
    "login.failed": _l("Misslyckad inloggning"),
    "login.throttled": _l("Inloggning spärrad en stund"),
    "logout": _l("Utloggning"),
    "account.password": _l("Nytt lösenord"),
    "account.password_link": _l("Lösenord valt via länk"),
    "account.pin": _l("Ny kiosk-PIN"),
    "user.add": _l("Användare tillagd"),
    "user.disable": _l("Användare avstängd"),
    "user.enable": _l("Användare aktiverad"),
    "user.reset": _l("Ny lösenordslänk"),
    "user.organisations": _l("Användarens organisationer ändrade"),
    "organisation.add": _l("Organisation tillagd"),
    "round.create": _l("Mättillfälle skapat"),
    "round.expected": _l("Förväntat antal svar ändrat"),
    "round.link": _l("Öppen länk skapad"),
    "invitations.create": _l("Inbjudningar skapade"),
    "invitations.email": _l("Inbjudningar e-postade"),
    "kiosk.start": _l("Kioskläge startat"),
    "kiosk.end": _l("Kioskläge avslutat"),
    "codes.create": _l("Deltagarkoder skapade"),
    "register.add": _l("Deltagare inskriven"),
    "register.edit": _l("Deltagare ändrad"),
    "register.import": _l("Deltagarregister importerat"),
    "register.insats": _l("Insats registrerad"),
    "register.insatser": _l("Insatser importerade"),
    "goal.assess": _l("Bedömning av mål sparad"),
    "export.responses": _l("Export av svar"),
    "export.register": _l("Export av deltagarregistret"),
    "purge": _l("Rensning av svar"),
    "recording.upload": _l("Inläsning uppladdad"),
    "recording.publish": _l("Inläsning publicerad"),
    "recording.link": _l("Länk för tolk skapad"),
    "recording.import": _l("Inläsningar importerade"),
    "translation.save": _l("Översättning sparad"),
    "translation.correct": _l("Granskad översättning rättad"),
    "translation.review": _l("Översättning granskad"),
    "translation.link": _l("Länk för översättare skapad"),
    "translation.revoke": _l("Länk för översättare återkallad"),
    "translation.import": _l("Översättningar importerade"),
    "questionnaire.publish": _l("Enkät publicerad"),
    "project.setup": _l("Projektets upplägg sparat"),
    "project.create": _l("Projekt skapat"),
    "project.archive": _l("Projekt arkiverat"),
    "project.purge": _l("Projekt rensat"),
    "export.goals": _l("Export av måltabellen"),
    "export.evaluator": _l("Export till utvärderare"),
    "theme.create": _l("Tema skapat"),
    "theme.rename": _l("Tema omdöpt"),
    "theme.delete": _l("Tema borttaget"),
    "answer.tag": _l("Fritextsvar märkt med teman"),
}

#: the filter's choices: the start of the event codes they show
GROUPS = (
    ("login", _l("Inloggningar")),
    ("account", _l("Egna konton")),
    ("user", _l("Användare")),
    ("organisation", _l("Organisationer")),
    ("round", _l("Mättillfällen")),
    ("invitations", _l("Inbjudningar")),
    ("kiosk", _l("Kioskläge")),
    ("codes", _l("Deltagarkoder")),
    ("register", _l("Deltagarregistret")),
    ("goal", _l("Måluppfyllelse")),
    ("export", _l("Exporter")),
    ("purge", _l("Rensningar")),
    ("recording", _l("Inläsning")),
    ("translation", _l("Översättning")),
    ("questionnaire", _l("Enkäter")),
    ("project", _l("Projekt")),
    ("theme", _l("Teman")),
)


def describe(action: str) -> str:
    """The event in words; an event this page does not know keeps its code."""
    return str(ACTIONS.get(action, action))


def detail_of(action: str, detail: str) -> str:
    """What the event concerned; a kiosk's end records how many answers it took."""
    if action == "kiosk.end" and detail.isdigit():
        return ngettext("%(num)d svar under kioskläget", "%(num)d svar under kioskläget", int(detail))
    return detail


@blueprint.get("/logg")
@roles_required(Role.ADMIN)
def audit():
    action = request.args.get("action", "").strip() or None
    projects = {p.id: p.name for p in all_projects()}
    chosen = request.args.get("project", "")
    project_id = int(chosen) if chosen.isdigit() and int(chosen) in projects else None
    return render_template("staff/audit.html", events=recent_events(500, action, project_id), action=action,
                           groups=GROUPS, describe=describe, detail_of=detail_of, projects=projects,
                           project_id=project_id)

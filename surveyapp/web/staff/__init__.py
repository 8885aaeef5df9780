"""Staff pages: rounds, participant codes, invitations, users, organisations and the audit log.

Every view needs a logged-in staff user; views that need a particular role say so with
:func:`~surveyapp.web.access.roles_required`.
"""

from flask import Blueprint

from ..access import refuse_changes_to_an_archive, require_roles

blueprint = Blueprint("staff", __name__, url_prefix="/staff")
blueprint.before_request(require_roles())
blueprint.before_request(refuse_changes_to_an_archive)


@blueprint.after_request
def _private(response):
    """Staff pages show kommun data: never kept by shared caches or the browser's back button."""
    response.headers.setdefault("Cache-Control", "no-store")
    return response


from . import (  # noqa: E402,F401
    audit,
    goal_downloads,
    goals,
    home,
    invitations,
    organisations,
    overview,
    participants,
    project_page,
    projects,
    questionnaires,
    recordings,
    register,
    rounds,
    translations,
    users,
)

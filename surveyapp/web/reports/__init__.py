"""Report pages: a questionnaire's figures, goals and changes, and the Excel download.

Every view needs a logged-in staff user (checked once, in ``before_request``); which
organisations' answers a view may use is decided in one place, :func:`selection.select`.
"""

from flask import Blueprint

from ..access import refuse_changes_to_an_archive, require_roles

blueprint = Blueprint("reports", __name__, url_prefix="/reports")
blueprint.before_request(require_roles())
blueprint.before_request(refuse_changes_to_an_archive)


@blueprint.after_request
def _private(response):
    """Reports show kommun data: never kept by shared caches or the browser's back button."""
    response.headers.setdefault("Cache-Control", "no-store")
    return response


from . import open_answers, views  # noqa: E402,F401

"""The project the staff pages show: chosen in the staff menu among the projects the user holds."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import abort, redirect, request, url_for

from ..access import choose_project as keep_choice
from ..access import for_styrgrupp
from . import blueprint


def _back(target: str) -> str:
    """Back to the staff or report page the switch was made on; never another site."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or "\\" in target or not target.startswith(("/staff/", "/reports/")):
        return url_for("staff.home")
    # an object of the former project (a round, a code) does not exist in the new one
    return target if target.count("/") <= 2 else url_for("staff.home")


@blueprint.post("/projekt/valj")
@for_styrgrupp
def choose_project():
    value = request.form.get("project", "")
    if not value.isdigit() or not keep_choice(int(value)):
        abort(404)
    return redirect(_back(request.form.get("next", "")), 303)

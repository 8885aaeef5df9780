from flask import redirect, url_for
from flask_login import current_user

from ...models import Role
from ..access import for_styrgrupp
from . import blueprint


@blueprint.get("/")
@for_styrgrupp
def home():
    """Each role starts where its daily work is."""
    if current_user.role == Role.ADMIN:
        return redirect(url_for(".users"))
    if current_user.role == Role.STYRGRUPP:
        return redirect(url_for(".goals"))
    return redirect(url_for(".rounds"))

from flask import redirect, url_for
from flask_login import current_user

from ...models import Role
from . import blueprint


@blueprint.get("/")
def home():
    """Each role starts where its daily work is."""
    if current_user.role == Role.ADMIN:
        return redirect(url_for(".users"))
    return redirect(url_for(".rounds"))

"""Kiosk mode: a tablet that takes one participant's answers after another.

The kiosk lives in its own part of the signed session, apart from the staff login:
starting it ends the staff login on the tablet, and only the samordnare's PIN ends it.
"""

from flask import Blueprint

blueprint = Blueprint("kiosk", __name__, url_prefix="/kiosk")

from . import views  # noqa: E402,F401

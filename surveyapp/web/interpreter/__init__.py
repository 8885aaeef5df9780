"""Recording read-aloud audio: the page shared by staff and interpreters, and the interpreter's
one-time link (``/tolk/<token>``), which needs no account."""

from flask import Blueprint

blueprint = Blueprint("interpreter", __name__, url_prefix="/tolk")

from . import views  # noqa: E402,F401

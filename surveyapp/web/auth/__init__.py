"""Staff login: logging in and out, one's own password and kiosk PIN, one-time links."""

from flask import Blueprint

blueprint = Blueprint("auth", __name__)

from . import views  # noqa: E402,F401

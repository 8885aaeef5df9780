"""Reviewing a questionnaire's translations: the translator's link (``/oversattning/<token>``),
which needs no account."""

from flask import Blueprint

blueprint = Blueprint("translator", __name__, url_prefix="/oversattning")

from . import views  # noqa: E402,F401

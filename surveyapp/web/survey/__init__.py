"""Answering a questionnaire through a link: language choice, the form, thanks."""

from flask import Blueprint

blueprint = Blueprint("survey", __name__, url_prefix="/s")

from . import media, views  # noqa: E402,F401

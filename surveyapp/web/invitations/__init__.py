"""Answering through a single-use invitation: ``/i/<token>`` → language → form → thanks."""

from flask import Blueprint

blueprint = Blueprint("invitations", __name__, url_prefix="/i")

from . import views  # noqa: E402,F401

"""Open links and queued answers: at most OPEN_LINK_POSTS_PER_HOUR stored answers per link
(or, for answers a kiosk tablet queued, per kiosk) and client address.

Counted in the database (see :class:`surveyapp.services.throttle.RateLimit`), so every server
process counts the same answers. A kiosk's own form posts need its session and invitations
answer once: they are not limited.
"""

from __future__ import annotations

from flask import current_app, request
from flask_babel import gettext as _
from werkzeug.exceptions import TooManyRequests

from ...services.throttle import RateLimit


def _limit() -> RateLimit:
    return RateLimit("open_link", current_app.config["OPEN_LINK_POSTS_PER_HOUR"], 3600,
                     current_app.config["SECRET_KEY"])


def _key(token: str) -> str:
    return f"{token}\n{request.remote_addr or ''}"


def check_open_link_rate(token: str) -> None:
    """Refuses (429, in the participant's language) when this address has answered too often."""
    if _limit().exceeded(_key(token)):
        error = TooManyRequests()
        error.surveyapp_message = _("Många svar har skickats härifrån på kort tid. Vänta en stund "
                                    "och försök sedan igen. Tack för ditt tålamod!")
        raise error


def count_open_link_answer(token: str) -> None:
    """Counts one stored answer, in the answer's own transaction."""
    _limit().add(_key(token))

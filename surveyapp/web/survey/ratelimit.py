"""Open links and queued answers: at most OPEN_LINK_POSTS_PER_HOUR stored answers per link
(or, for answers a kiosk tablet queued, per kiosk) and client address.

A kiosk's own form posts need its session and invitations answer once: they are not limited.
"""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from ..link_posts import LinkPosts

ANSWERS = LinkPosts("open_link", "OPEN_LINK_POSTS_PER_HOUR",
                    _l("Många svar har skickats härifrån på kort tid. Vänta en stund "
                       "och försök sedan igen. Tack för ditt tålamod!"))


def check_open_link_rate(token: str) -> None:
    """Refuses (429, in the participant's language) when this address has answered too often."""
    ANSWERS.check(token)


def count_open_link_answer(token: str) -> None:
    """Counts one stored answer, in the answer's own transaction."""
    ANSWERS.count(token)

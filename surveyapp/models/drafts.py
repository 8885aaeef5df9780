from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class AnswerDraft(db.Model):
    """Answers given so far, kept between a post and the page it redirects to.

    A draft exists only so that an error page or a change of language is an ordinary GET
    that the browser can reload or return to without resending answers. It belongs to one
    participant's turn on one browser, dies with that turn (thank-you page, kiosk reset,
    "Starta en ny enkät") and is deleted after an hour whatever happens.
    """

    __tablename__ = "answer_drafts"

    #: random, unguessable; the only way to address the draft (in the redirect's URL)
    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    #: the participant's turn on this browser (a random value kept in its session)
    turn: Mapped[str] = mapped_column(String(32), index=True)
    #: the round the answers were given for
    round_id: Mapped[int] = mapped_column(ForeignKey("rounds.id", ondelete="CASCADE"))
    #: the posted form fields as JSON ({name: [values]}), CSRF token left out
    payload: Mapped[str] = mapped_column(Text)
    #: whether the page shows the answers' errors (a refused "Skicka svaren")
    with_errors: Mapped[bool] = mapped_column(default=False)
    #: when it was made (UTC); drafts older than an hour are deleted
    created_at: Mapped[datetime] = mapped_column(index=True)

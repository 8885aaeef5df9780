"""Posts through a link that needs no account: at most a setting's number per link and client
address within an hour (an open link's answers, a translator's saves, an interpreter's
recordings).

Counted in the database (see :class:`surveyapp.services.throttle.RateLimit`), so every server
process counts the same posts.
"""

from __future__ import annotations

from flask import current_app, request
from werkzeug.exceptions import TooManyRequests

from ..services.throttle import RateLimit


class LinkPosts:
    """``scope`` names the kind of link in the count, ``setting`` the config key holding the
    limit, ``message`` (lazy, in the user's language) what a refused post is told."""

    def __init__(self, scope: str, setting: str, message) -> None:
        self.scope = scope
        self.setting = setting
        self.message = message

    def _limit(self) -> RateLimit:
        return RateLimit(self.scope, current_app.config[self.setting], 3600, current_app.config["SECRET_KEY"])

    @staticmethod
    def _key(token: str) -> str:
        return f"{token}\n{request.remote_addr or ''}"

    def exceeded(self, token: str) -> bool:
        """Whether this address has posted the limit's number through the link in the last hour."""
        return self._limit().exceeded(self._key(token))

    def refusal(self) -> TooManyRequests:
        error = TooManyRequests()
        error.surveyapp_message = str(self.message)
        return error

    def check(self, token: str) -> None:
        """Refuses (429, with the message) when the limit is reached."""
        if self.exceeded(token):
            raise self.refusal()

    def count(self, token: str) -> None:
        """Counts one post, in the caller's transaction."""
        self._limit().add(self._key(token))

"""What one request or one command may see: one project, some of its organisations, a role.

Made once per request (:func:`web.access.current_scope`) or command (``--project``) and handed
to services, which filter every query through it rather than asking who is logged in.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Scope:
    #: the project everything is limited to
    project_id: int
    #: the organisations visible; None: every organisation of the project
    organisation_ids: frozenset[int] | None
    #: the role seeing it ("admin" for the command line)
    role: str

    @property
    def sees_persons(self) -> bool:
        """Styrgrupp sees figures only: no register, no answer rows."""
        return self.role != "styrgrupp"

    def sees_organisation(self, organisation_id: int | None) -> bool:
        return self.organisation_ids is None or organisation_id in self.organisation_ids

"""SQLAlchemy models, one module per aggregate."""

from .accounts import Account, Role, account_organisations
from .audit import AuditEvent
from .invitations import Invitation
from .kiosk import KioskTally
from .links import SurveyLink
from .organisations import Organisation, OrganisationKind
from .participants import GoalAssessment, ParticipantCode, ParticipantInsats
from .questionnaires import QuestionnaireVersion
from .responses import Answer, Channel, Response
from .rounds import (
    Round,
    RoundExpectation,
    RoundRole,
    RoundState,
    RoundStateError,
    round_organisations,
)
from .throttle import FailedAttempt

__all__ = [
    "Account",
    "AuditEvent",
    "Answer",
    "Channel",
    "FailedAttempt",
    "GoalAssessment",
    "Invitation",
    "KioskTally",
    "Organisation",
    "OrganisationKind",
    "ParticipantCode",
    "ParticipantInsats",
    "QuestionnaireVersion",
    "Response",
    "Role",
    "Round",
    "RoundExpectation",
    "RoundRole",
    "RoundState",
    "RoundStateError",
    "SurveyLink",
    "account_organisations",
    "round_organisations",
]

"""SQLAlchemy models, one module per aggregate."""

from .accounts import Account, Role, account_organisations
from .audit import AuditEvent
from .drafts import AnswerDraft
from .invitations import Invitation
from .jobs import DataGeneration, Job, JobStatus
from .kiosk import KioskRun, KioskTally
from .links import SurveyLink
from .organisations import Organisation, OrganisationKind
from .participants import GoalAssessment, ParticipantCode, ParticipantInsats
from .questionnaires import QuestionnaireUpload, QuestionnaireVersion
from .recordings import Recording, RecordingLink, RecordingStatus
from .responses import Answer, Channel, Response
from .rounds import (
    Round,
    RoundExpectation,
    RoundRole,
    RoundState,
    RoundStateError,
    round_organisations,
)
from .sessions import StoredSession
from .texts import QuestionnaireText, TextGeneration, TranslationLink
from .themes import AnswerTag, AnswerTheme
from .throttle import FailedAttempt

__all__ = [
    "Account",
    "AnswerDraft",
    "AnswerTag",
    "AnswerTheme",
    "AuditEvent",
    "Answer",
    "Channel",
    "DataGeneration",
    "FailedAttempt",
    "GoalAssessment",
    "Invitation",
    "Job",
    "JobStatus",
    "KioskRun",
    "KioskTally",
    "Organisation",
    "OrganisationKind",
    "ParticipantCode",
    "ParticipantInsats",
    "QuestionnaireText",
    "QuestionnaireUpload",
    "QuestionnaireVersion",
    "Recording",
    "RecordingLink",
    "RecordingStatus",
    "Response",
    "Role",
    "Round",
    "RoundExpectation",
    "RoundRole",
    "RoundState",
    "RoundStateError",
    "StoredSession",
    "SurveyLink",
    "TextGeneration",
    "TranslationLink",
    "account_organisations",
    "round_organisations",
]

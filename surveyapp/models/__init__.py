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
from .projects import (
    Project,
    ProjectSetup,
    SeveralProjects,
    project_member_organisations,
    project_members,
    sole_project_id,
)
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
    "Project",
    "ProjectSetup",
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
    "SeveralProjects",
    "StoredSession",
    "SurveyLink",
    "TextGeneration",
    "TranslationLink",
    "account_organisations",
    "project_member_organisations",
    "project_members",
    "sole_project_id",
    "round_organisations",
]

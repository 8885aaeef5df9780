"""The questionnaire engine: definitions, loading and answer coding. No Flask, no SQL."""

from .answers import CodedAnswer, InvalidAnswers, code_answers
from .conditions import is_shown
from .loader import QuestionnaireError, load_directory, load_file
from .messages import Message
from .model import (
    Condition,
    Goal,
    Option,
    Question,
    Questionnaire,
    RespondentKind,
    Row,
    ShowIf,
)

__all__ = [
    "CodedAnswer",
    "Condition",
    "Goal",
    "InvalidAnswers",
    "Message",
    "Option",
    "Question",
    "Questionnaire",
    "QuestionnaireError",
    "RespondentKind",
    "Row",
    "ShowIf",
    "code_answers",
    "is_shown",
    "load_directory",
    "load_file",
]

"""Messages raised by the engine, marked for translation but translated by the caller.

The engine has no Flask, so it cannot translate; it returns the Swedish source text and
its parameters, and the web page or the CLI looks them up in the respondent's language.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def N_(msgid: str) -> str:
    """Marks ``msgid`` for extraction without translating it."""
    return msgid


@dataclass(frozen=True)
class Message:
    msgid: str
    params: dict[str, Any] = field(default_factory=dict)

    def render(self, gettext=None) -> str:
        text = gettext(self.msgid) if gettext else self.msgid
        return text % self.params if self.params else text


REQUIRED = N_("Svara på frågan.")
REQUIRED_ROW = N_("Svara på varje rad.")
UNKNOWN_OPTION = N_("Svaret ”%(value)s” finns inte bland svarsalternativen.")
TOO_MANY = N_("Välj bara ett svar.")
TOO_LONG = N_("Svaret är för långt: högst %(limit)s tecken.")
CONTROL_CHARACTER = N_(
    "Texten innehåller ett osynligt styrtecken som inte kan sparas. Ta bort det och försök igen."
)
UNDECODABLE = N_(
    "Det som skickades innehöll tecken som inte går att läsa. Skriv texten igen och skicka den på nytt."
)
NOT_SHOWN = N_("Den här frågan gäller inte dig utifrån dina tidigare svar. Ta bort svaret.")
UNKNOWN_QUESTION = N_("Frågan ”%(key)s” finns inte i enkäten.")
UNKNOWN_ROLE = N_("Rollen ”%(value)s” finns inte.")
ROLE_REQUIRED = N_("Välj din roll.")
NOT_A_NUMBER = N_("Skriv ett heltal med siffror, till exempel 12.")
TOO_SMALL = N_("Talet måste vara minst %(minimum)s.")
TOO_LARGE = N_("Talet får vara högst %(maximum)s.")

"""Organisations: kommuner, regions and other bodies whose people answer."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import select

from ..extensions import db
from ..models import Organisation, OrganisationKind
from ..questionnaire.characters import has_forbidden_character

#: the longest name an organisation can have (the column's size)
NAME_LENGTH = 200


def add_organisations(names: Iterable[str], kind: str = "kommun") -> list[tuple[Organisation, bool]]:
    """Adds the organisations not there yet; returns each with True when it was created."""
    kind = OrganisationKind(kind).value
    result = []
    for name in names:
        name = " ".join(name.split())
        if not name:
            continue
        if has_forbidden_character(name):
            raise ValueError(f"an organisation name cannot hold control characters: {name!r}")
        if len(name) > NAME_LENGTH:
            raise ValueError(f"an organisation name has at most {NAME_LENGTH} characters: {name[:40]}…")
        existing = find_organisation(name)
        if existing is not None:
            result.append((existing, False))
            continue
        organisation = Organisation(name=name, kind=kind)
        db.session.add(organisation)
        db.session.flush()
        result.append((organisation, True))
    return result


def find_organisation(name: str) -> Organisation | None:
    """Looks an organisation up by name, ignoring case and surrounding spaces."""
    name = " ".join(name.split())
    return db.session.scalar(
        select(Organisation).where(db.func.lower(Organisation.name) == name.lower())
    )

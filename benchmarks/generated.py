"""Generated answers for the benchmarks (and the tests that compare the report's paths): any
number of responses to a questionnaire, coded the way stored answers are, with a participant
register, written into the database in bulk (COPY on PostgreSQL).

Every item is answered at random, not-applicable codes included; about one answer in twenty
is missing, a multiple-choice answer has any number of codes, participant codes are rated up
to four times and four in five are registered (some without kön or inskrivning).
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime

import numpy as np
import pandas as pd

ORGANISATIONS = ("Mariestad", "Skövde", "Lidköping", "Falköping", "Töreboda", "Gullspång")
START = np.datetime64("2026-01-01T08:00")
RESPONSE_COLUMNS = (
    "id",
    "uuid",
    "round_id",
    "version_id",
    "organisation_id",
    "language",
    "submitted_at",
    "channel",
    "participant_code",
    "role",
)
ANSWER_COLUMNS = ("response_id", "question_key", "row_key", "code", "number", "text")


@dataclass
class Generated:
    #: response_id, uuid, round, organisation, language, submitted_at, channel, participant_code, role
    responses: pd.DataFrame
    #: response_id, question, row, code, number, text
    answers: pd.DataFrame
    #: participant_code, organisation, enrolled_on, kon, aldersgrupp, fodelseregion
    register: pd.DataFrame


def generate(
    questionnaire,
    n: int,
    rounds: tuple[str, ...],
    *,
    seed: int = 1,
    organisations: tuple[str, ...] = ORGANISATIONS,
    first_id: int = 1,
) -> Generated:
    rng = np.random.default_rng(seed)
    ids = np.arange(first_id, first_id + n)
    coded = questionnaire.uses_participant_code
    codes = None
    if coded:
        pool = max(1, n // 2)
        codes = np.array([f"G{seed % 100:02d}{i:06d}" for i in range(pool)], dtype=object)
    responses = pd.DataFrame(
        {
            "response_id": ids,
            "uuid": [f"{seed % 10**8:08d}-0000-4000-8000-{i:012d}" for i in ids],
            "round": rng.choice(np.array(rounds, dtype=object), n),
            "organisation": rng.choice(np.array(organisations, dtype=object), n),
            "language": "sv",
            "submitted_at": START + rng.integers(0, 300 * 24 * 60, n).astype("timedelta64[m]"),
            "channel": rng.choice(np.array(["self", "assisted"], dtype=object), n, p=[0.8, 0.2]),
            "participant_code": rng.choice(codes, n) if coded else None,
            "role": rng.choice(np.array(questionnaire.role_codes, dtype=object), n)
            if questionnaire.roles
            else None,
        }
    )
    parts = []
    for q in questionnaire.questions:
        if q.type == "text":
            continue
        options = np.array(q.option_codes, dtype=object)
        for row in q.rows or (None,):
            answered = rng.random(n) >= 0.05
            if q.type == "multi":
                chosen = rng.random((n, len(options))) < 0.3
                who, which = np.nonzero(chosen & answered[:, None])
                part = pd.DataFrame({"response_id": ids[who], "code": options[which]})
                part["number"] = np.nan
            else:
                part = pd.DataFrame(
                    {"response_id": ids[answered], "code": rng.choice(options, answered.sum())}
                )
                if q.type in ("scale", "matrix"):
                    part["number"] = pd.to_numeric(part["code"], errors="coerce")
                elif q.type == "band":
                    part["number"] = part["code"].map({c: i for i, c in enumerate(q.scale_codes)})
                else:
                    part["number"] = np.nan
            part["question"] = q.key
            part["row"] = row.key if row else ""
            part["text"] = None
            parts.append(part)
    answers = pd.concat(parts, ignore_index=True)[
        ["response_id", "question", "row", "code", "number", "text"]
    ]
    answers["number"] = answers["number"].astype("float64")

    register = pd.DataFrame(
        columns=["participant_code", "organisation", "enrolled_on", "kon", "aldersgrupp", "fodelseregion"]
    )
    if coded:
        from surveyapp.services.register import background_questions

        background = background_questions()
        kept = codes[rng.random(len(codes)) < 0.8]
        m = len(kept)

        def background_codes(key):
            values = rng.choice(np.array([*background[key].option_codes, None], dtype=object), m)
            return values

        enrolled = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 400, m), unit="D")
        register = pd.DataFrame(
            {
                "participant_code": kept,
                "organisation": rng.choice(np.array(organisations, dtype=object), m),
                "enrolled_on": pd.Series(enrolled.date, dtype=object).where(rng.random(m) >= 0.1, None),
                "kon": background_codes("kon"),
                "aldersgrupp": background_codes("aldersgrupp"),
                "fodelseregion": background_codes("fodelseregion"),
            }
        )
    return Generated(responses, answers, register)


def store(questionnaire_key: str, generated: Generated, project: str | None = None) -> None:
    """Writes generated answers into the app's database (inside an app context), creating
    the organisations and rounds they name, in the project named (None: the only one); commits."""
    from sqlalchemy import select, text

    from surveyapp.extensions import db
    from surveyapp.models import Organisation, Project, Round, sole_project_id
    from surveyapp.services.questionnaires import current_version

    session = db.session
    project_id = (session.scalar(select(Project.id).where(Project.name == project)) if project
                  else sole_project_id())
    if project_id is None:
        raise ValueError(f"no project {project!r}")
    names = set(generated.responses["organisation"]) | set(generated.register.get("organisation", ()))
    organisations = dict(session.execute(select(Organisation.name, Organisation.id)).all())
    for name in sorted(names - set(organisations)):
        organisation = Organisation(name=name)
        session.add(organisation)
        session.flush()
        organisations[name] = organisation.id
    rounds = dict(
        session.execute(
            select(Round.name, Round.id).where(Round.questionnaire_key == questionnaire_key,
                                               Round.project_id == project_id)
        ).all()
    )
    for name in sorted(set(generated.responses["round"]) - set(rounds)):
        round_ = Round(questionnaire_key=questionnaire_key, name=name, state="closed", project_id=project_id)
        session.add(round_)
        session.flush()
        rounds[name] = round_.id
    version_id = current_version(questionnaire_key).id

    r = generated.responses
    responses = pd.DataFrame(
        {
            "id": r["response_id"],
            "uuid": r["uuid"],
            "round_id": r["round"].map(rounds),
            "version_id": version_id,
            "organisation_id": r["organisation"].map(organisations),
            "language": r["language"],
            "submitted_at": pd.to_datetime(r["submitted_at"]),
            "channel": r["channel"],
            "participant_code": r["participant_code"],
            "role": r["role"],
        }
    )
    a = generated.answers
    answers = pd.DataFrame(
        {
            "response_id": a["response_id"],
            "question_key": a["question"],
            "row_key": a["row"],
            "code": a["code"],
            "number": a["number"].astype("Int64"),
            "text": a["text"],
        }
    )
    reg = generated.register
    codes = pd.DataFrame(
        {
            "code": reg["participant_code"],
            "project_id": project_id,
            "organisation_id": reg["organisation"].map(organisations),
            "created_at": datetime(2025, 1, 1),
            "enrolled_on": reg["enrolled_on"],
            "kon": reg["kon"],
            "aldersgrupp": reg["aldersgrupp"],
            "fodelseregion": reg["fodelseregion"],
        }
    )
    connection = session.connection()
    if connection.dialect.name == "postgresql":
        raw = connection.connection.driver_connection
        with raw.cursor() as cursor:
            _copy(cursor, "participant_codes", codes)
            _copy(cursor, "responses", responses)
            _copy(cursor, "answers", answers)
        session.execute(
            text("SELECT setval(pg_get_serial_sequence('responses', 'id'), (SELECT max(id) FROM responses))")
        )
        session.execute(text("ANALYZE responses; ANALYZE answers; ANALYZE participant_codes"))
    else:
        for table, frame in (("participant_codes", codes), ("responses", responses), ("answers", answers)):
            if frame.empty:
                continue
            frame = frame.astype(object).where(frame.notna(), None)
            if "submitted_at" in frame:
                frame["submitted_at"] = [v.to_pydatetime() for v in frame["submitted_at"]]
            columns = ", ".join(frame.columns)
            marks = ", ".join("?" for _ in frame.columns)
            connection.connection.driver_connection.executemany(
                f"INSERT INTO {table} ({columns}) VALUES ({marks})",
                [_sqlite_row(row) for row in frame.itertuples(index=False)],
            )
    session.commit()


def _sqlite_row(row) -> tuple:
    return tuple(v.isoformat(sep=" ") if isinstance(v, datetime) else v for v in row)


def _copy(cursor, table: str, frame: pd.DataFrame, chunk: int = 500_000) -> None:
    """COPY a frame into a table in chunks of CSV (empty field: NULL)."""
    if frame.empty:
        return
    columns = ", ".join(frame.columns)
    texts = ", ".join(c for c in frame.columns if c in ("row_key", "uuid", "code", "language", "channel"))
    with cursor.copy(
        f"COPY {table} ({columns}) FROM STDIN WITH (FORMAT csv, FORCE_NOT_NULL ({texts}))"
    ) as copy:
        for start in range(0, len(frame), chunk):
            buffer = io.StringIO()
            frame.iloc[start : start + chunk].to_csv(buffer, header=False, index=False)
            copy.write(buffer.getvalue())

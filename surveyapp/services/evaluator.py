"""The evaluator's export: the released answer rows of a selection as an SPSS, Stata or CSV
file with its codebook (Kodbok), from the command line or as a job from the report page."""

from __future__ import annotations

import io
import tempfile
import zipfile
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flask import current_app
from sqlalchemy import select

from ..analysis.dataset import Dataset, build_dataset
from ..exports.codebook import codebook_text, write_codebook_xlsx
from ..exports.evaluator import FORMATS, write_export
from ..extensions import db
from ..models import Organisation, QuestionnaireVersion, Response
from .answer_rows import released_answer_rows
from .frames import SelectionError, selection
from .questionnaires import current_versions
from .register import background_questions


@dataclass(frozen=True)
class ExportFiles:
    """The files written: the data file, the codebook in Excel and as text."""

    data: Path
    codebook_xlsx: Path
    codebook_text: Path
    dataset: Dataset

    @property
    def paths(self) -> tuple[Path, ...]:
        return (self.data, self.codebook_xlsx, self.codebook_text)


def check_format(file_format: str) -> None:
    if file_format not in FORMATS:
        raise SelectionError(f"unknown format {file_format!r}; the formats are: {', '.join(FORMATS)}")


def check_questionnaire(key: str) -> None:
    """An unknown questionnaire is refused with the known ones listed."""
    known = sorted(current_versions())
    if key not in known:
        listed = ", ".join(known) or "none"
        raise SelectionError(f"no questionnaire {key!r}; the questionnaires are: {listed}")


def evaluator_dataset(
    questionnaire_key: str,
    *,
    coarsened: bool = True,
    include_text: bool = False,
    rounds: Sequence[str] = (),
    organisation_ids: Collection[int] | None = None,
    since: date | None = None,
    until: date | None = None,
    covering: Collection[int] | None = None,
    project_id: int | None = None,
) -> Dataset:
    """The dataset of a selection (raises :class:`~.frames.SelectionError` for an unknown
    questionnaire or round): coarsened unless the administrator asks otherwise."""
    check_questionnaire(questionnaire_key)
    chosen = {"rounds": tuple(rounds), "organisation_ids": organisation_ids, "since": since, "until": until,
              "covering": covering, "project_id": project_id}
    _, selected, conditions = selection(questionnaire_key, **chosen)
    rows = released_answer_rows(questionnaire_key, coarsened=coarsened, include_text=include_text,
                                threshold=current_app.config["SMALL_CELL_THRESHOLD"], **chosen)
    organisations = dict(db.session.execute(select(Organisation.name, Organisation.id)
                                            .order_by(Organisation.name)).all())
    versions = [
        f"{vid} ({loaded:%Y-%m-%d}, {digest[:8]})"
        for vid, loaded, digest in db.session.execute(
            select(QuestionnaireVersion.id, QuestionnaireVersion.loaded_at, QuestionnaireVersion.content_hash)
            .where(QuestionnaireVersion.id.in_(select(Response.version_id).where(*conditions).distinct()))
            .order_by(QuestionnaireVersion.id)
        )
    ]
    return build_dataset(rows, rounds=[r.name for r in selected], organisations=organisations,
                         background=background_questions(), versions=versions, include_text=include_text)


def write_evaluator_files(dataset: Dataset, path: Path, file_format: str) -> ExportFiles:
    """The data file at ``path`` and beside it ``<name>-kodbok.xlsx`` and ``<name>-kodbok.txt``."""
    check_format(file_format)
    data = write_export(dataset, path, file_format)
    stem = path.with_suffix("")
    book = write_codebook_xlsx(dataset, stem.parent / f"{stem.name}-kodbok.xlsx")
    text = stem.parent / f"{stem.name}-kodbok.txt"
    text.write_text(codebook_text(dataset), encoding="utf-8")
    return ExportFiles(data, book, text, dataset)


def describe_export(dataset: Dataset, file_format: str) -> str:
    """For the audit log: what was exported, never answer content."""
    coarse = "grovkornig" if dataset.coarsening is not None else "ej grovkornig"
    text = "; med fritext" if dataset.include_text else ""
    return (f"{dataset.questionnaire.key} ({', '.join(dataset.rounds) or '–'}; {file_format}; "
            f"{len(dataset.frame)} svar; {coarse}{text})")


def export_zip(dataset: Dataset, file_format: str, name: str) -> bytes:
    """The data file and its codebook in one zip archive (the report page's download)."""
    with tempfile.TemporaryDirectory() as directory:
        files = write_evaluator_files(dataset, Path(directory) / f"{name}.{file_format}", file_format)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in files.paths:
                archive.write(path, path.name)
        return buffer.getvalue()


ZIP_MIMETYPE = "application/zip"


def run_evaluator_export(job, progress) -> tuple[bytes, str, str]:
    """The ``evaluator_export`` job: the data file and its codebook zipped, logged as an export."""
    from ..models import Account
    from .audit import record_audit
    from .jobs import NOT_FOUND, JobError
    from .reports import ReportParams

    params = ReportParams.from_json(job.params["report"])
    file_format = job.params["format"]
    try:
        dataset = evaluator_dataset(params.questionnaire_key, coarsened=params.coarsened,
                                    include_text=params.include_text, **params.chosen_answers())
    except SelectionError as exc:
        raise JobError(NOT_FOUND, str(exc))
    progress(60)
    name = f"{params.questionnaire_key}-{date.today():%Y-%m-%d}"
    content = export_zip(dataset, file_format, name)
    record_audit(db.session.get(Account, job.account_id), "export.evaluator",
                 describe_export(dataset, file_format), project_id=params.project_id)
    return content, f"{name}-{file_format}.zip", ZIP_MIMETYPE

"""The report page of a questionnaire and its Excel download."""

from __future__ import annotations

import io
import tempfile
from pathlib import Path

from babel.lists import format_list
from flask import abort, g, render_template, request, send_file, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from ...analysis.groups import Label, dimension_label
from ...exports.labels import STATUS
from ...exports.words import Words
from ...exports.xlsx import describe, write_xlsx
from ...extensions import db
from ...i18n import format_day, format_number, qtext, round_half_up
from ...questionnaire import Questionnaire
from ...services.audit import record_audit
from ...services.questionnaires import current_version, current_versions, definition_of
from . import blueprint
from .charts import bar_svg
from .drawings import item_drawings, matrix_drawings, paired_drawing
from .selection import answers_of, build, select


def _questionnaire(key: str) -> Questionnaire:
    version = current_version(key)
    if version is None:
        abort(404)
    g.report_questionnaire = definition_of(version)
    return g.report_questionnaire


def label(labels: tuple[Label, ...]) -> str:
    """A group's or dimension's label in the reader's language; crossings joined by ×."""
    parts = []
    for lab in labels:
        if lab.domain == "questionnaires":
            parts.append(qtext(lab.text))
        elif lab.domain == "messages":
            parts.append(_(lab.text))
        else:
            parts.append(lab.text)
    return " × ".join(parts)


def staff_words() -> Words:
    """The reader's language for files: the staff member's choice, Swedish by default."""
    return Words(message=_, questionnaire=qtext, locale=str(get_locale()))


def interval(ci) -> str:
    if ci is None:
        return "–"
    low, high = (format_number(v, 2) for v in ci)
    return _("%(low)s till %(high)s", low=low, high=high)


def p_value(p: float | None) -> str:
    if p is None:
        return "–"
    if p < 0.001:
        return _("< %(limit)s", limit=format_number(0.001, 3))
    return format_number(p, 3)


def count(n: int | None) -> str:
    return format_number(n, 0)


def signed(value: float | None) -> str:
    """A difference with its sign: +0,45 or −0,20."""
    if value is None:
        return "–"
    text = format_number(value, 2)
    return "+" + text if round_half_up(value, 2) > 0 else text


def _labels(question, codes) -> str:
    labels = [qtext(o.label) for o in question.options if o.code in codes]
    return format_list(labels, style="or", locale=get_locale()) if labels else ""


def positive_labels(question) -> str:
    return _labels(question, question.positive)


def not_applicable_labels(question) -> str:
    """The answers n leaves out (Vill inte svara, Vet ej, …), for the note under a table."""
    return _labels(question, {o.code for o in question.options if o.not_applicable})


@blueprint.context_processor
def _helpers() -> dict:
    def dimension_name(key: str) -> str:
        questionnaire = g.report_questionnaire
        return label(dimension_label(questionnaire, key))

    return {
        "report_label": label,
        "status_text": lambda s: _(STATUS[s]) if s else "–",
        "count": count,
        "signed": signed,
        "positive_labels": positive_labels,
        "not_applicable_labels": not_applicable_labels,
        "dimension_name": dimension_name,
    }


@blueprint.get("/")
def index():
    questionnaires = sorted(
        (definition_of(v) for v in current_versions().values()), key=lambda q: q.key
    )
    return render_template("reports/index.html", questionnaires=questionnaires)


@blueprint.get("/<key>")
def report_page(key: str):
    selection = select(_questionnaire(key))
    report = build(selection)
    return render_template(
        "reports/report.html",
        report=report,
        selection=selection,
        q=report.questionnaire,
        interval=interval,
        p_value=p_value,
        bar_svg=bar_svg,
        item_drawings=item_drawings,
        matrix_drawings=matrix_drawings,
        paired_drawing=paired_drawing,
        matrices=_matrices(report),
        rows_per_item=1 + sum(len(d.groups) for d in report.dimensions),
        round_list=", ".join(
            _("%(round)s (från %(start)s)", round=name, start=format_day(report.round_starts[name]))
            if name in report.round_starts else name
            for name in report.rounds
        ) or "–",
        download=url_for("reports.download", key=key) + _query(selection.query()),
    )


def _matrices(report) -> dict[str, list]:
    """Each matrix question's rows' results, drawn together."""
    matrices: dict[str, list] = {}
    for result in report.items:
        if result.item.row is not None:
            matrices.setdefault(result.item.question.key, []).append(result)
    return matrices


def _query(args: list[tuple[str, str]]) -> str:
    from urllib.parse import urlencode

    return "?" + urlencode(args) if args else ""


@blueprint.get("/<key>.xlsx")
def download(key: str):
    selection = select(_questionnaire(key))
    # answer-level rows only for those who see every kommun: in one kommun's rows a
    # samordnare could tell who answered (see README, Security)
    answer_level = current_user.sees_all_organisations
    include_text = answer_level and request.args.get("text") == "1"
    report = build(selection)
    answers = answers_of(selection, include_text) if answer_level else None
    with tempfile.TemporaryDirectory() as directory:
        path = write_xlsx(report, Path(directory) / "report.xlsx", staff_words(), answers)
        content = io.BytesIO(path.read_bytes())
    record_audit(current_user._get_current_object(), "export.responses", describe(report, answers))
    db.session.commit()
    return send_file(
        content,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        as_attachment=True,
        download_name=f"{key}-{report.generated_at:%Y-%m-%d}.xlsx",
    )

"""Coding a response: the same rules for forms and imports."""

from __future__ import annotations

from pathlib import Path

import pytest

from surveyapp.questionnaire import InvalidAnswers, code_answers, load_directory

SHIPPED = load_directory(Path(__file__).resolve().parents[2] / "questionnaires")
AVSLUTNINGSENKAT = SHIPPED["avslutningsenkat"][0]
SAMVERKAN = SHIPPED["samverkan"][0]
PROGRESSIONSKORT = SHIPPED["progressionskort"][0]

BASE = {
    "kon": ["man"], "aldersgrupp": ["19-24"], "fodelseregion": ["sverige"],
    "bemotande_samordnare": ["bra"], "bemotande_handlaggare": ["bra"],
    "tro_formaga": ["4"], "mar_battre": ["5"],
}


def _errors(questionnaire, raw, **kwargs) -> dict[str, str]:
    with pytest.raises(InvalidAnswers) as error:
        code_answers(questionnaire, raw, **kwargs)
    return {key: message.render() for key, message in error.value.errors.items()}


def test_scales_carry_their_step_and_not_applicable_codes_none():
    coded = code_answers(SAMVERKAN, {
        "samverkan_forsorjningsstod_vard": ["vet_ej"], "samverkan_ame_vard": ["2"],
        "samverkan_ame_fk": ["5"], "samverkan_ame_af": ["3"],
    }, role="kommunchef")
    numbers = {a.question: (a.code, a.number) for a in coded}
    assert numbers["samverkan_forsorjningsstod_vard"] == ("vet_ej", None)
    assert numbers["samverkan_ame_vard"] == ("2", 2)


@pytest.mark.parametrize("answer", ["varken_eller", "daligt"])
def test_discrimination_is_asked_after_a_poor_reception(answer):
    coded = code_answers(AVSLUTNINGSENKAT, {**BASE, "bemotande_handlaggare": [answer],
                                             "diskriminering": ["vet_ej", "kon"]})
    assert [a.code for a in coded if a.question == "diskriminering"] == ["kon", "vet_ej"]


def test_discrimination_answer_is_refused_when_the_reception_was_good():
    assert _errors(AVSLUTNINGSENKAT, {**BASE, "diskriminering": ["kon"]}) == {
        "diskriminering": "Den här frågan gäller inte dig utifrån dina tidigare svar. Ta bort svaret."
    }


def test_the_matrix_is_for_samordnare_only_and_then_every_row_is_needed():
    base = {k: ["4"] for k in ("samverkan_forsorjningsstod_vard", "samverkan_ame_vard",
                               "samverkan_ame_fk", "samverkan_ame_af")}
    row = {f"insatser_indikatorer.{r.key}": ["3"] for r in SAMVERKAN.question("insatser_indikatorer").rows}
    assert _errors(SAMVERKAN, {**base, **row}, role="kommunchef") == {
        "insatser_indikatorer": "Den här frågan gäller inte dig utifrån dina tidigare svar. Ta bort svaret."
    }
    coded = code_answers(SAMVERKAN, {**base, **row}, role="samordnare")
    assert len([a for a in coded if a.question == "insatser_indikatorer"]) == 10
    partial = dict(row)
    partial.pop("insatser_indikatorer.halsa")
    assert _errors(SAMVERKAN, {**base, **partial}, role="samordnare") == {
        "insatser_indikatorer": "Svara på varje rad."
    }
    assert _errors(SAMVERKAN, base, role="samordnare") == {"insatser_indikatorer": "Svara på frågan."}


def test_role_is_required_and_must_be_known():
    base = {k: ["4"] for k in ("samverkan_forsorjningsstod_vard", "samverkan_ame_vard",
                               "samverkan_ame_fk", "samverkan_ame_af")}
    assert _errors(SAMVERKAN, base) == {"role": "Välj din roll."}
    assert _errors(SAMVERKAN, base, role="chef") == {"role": "Rollen ”chef” finns inte."}


def test_bands_are_numbered_by_position():
    raw = {**{k: ["3"] for k in ("tror_klarar_arbete", "vet_hur_forbattra", "ide_om_arbete",
                                 "halsa_for_arbete", "hantera_vardag", "sociala_kompetenser", "soka_arbete")},
           "kon": ["kvinna"], "aldersgrupp": ["ej_svar"], "fodelseregion": ["norden"],
           "timmar_aktivitet": ["10-19"]}
    coded = {a.question: a for a in code_answers(PROGRESSIONSKORT, raw)}
    assert (coded["timmar_aktivitet"].code, coded["timmar_aktivitet"].number) == ("10-19", 3)


def test_imports_refuse_unknown_columns_and_forms_ignore_them():
    raw = {**BASE, "favorite_colour": ["blue"]}
    assert _errors(AVSLUTNINGSENKAT, raw, strict_keys=True) == {
        "favorite_colour": "Frågan ”favorite_colour” finns inte i enkäten."
    }
    assert len(code_answers(AVSLUTNINGSENKAT, raw)) == 7


def test_text_is_trimmed_and_limited():
    coded = code_answers(AVSLUTNINGSENKAT, {**BASE, "kommentar": ["  =1+1 hej  "]})
    assert [a.text for a in coded if a.question == "kommentar"] == ["=1+1 hej"]
    assert _errors(AVSLUTNINGSENKAT, {**BASE, "kommentar": ["x" * 1001]}) == {
        "kommentar": "Svaret är för långt: högst 1000 tecken."
    }

"""Questionnaire files: the shipped ones load, broken ones are reported precisely."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from surveyapp.questionnaire import QuestionnaireError, RespondentKind, load_directory, load_file
from surveyapp.questionnaire.loader import content_hash

SHIPPED = Path(__file__).resolve().parents[2] / "questionnaires"


def test_every_shipped_questionnaire_loads():
    loaded = load_directory(SHIPPED)
    assert set(loaded) == {"avslutningsenkat", "progressionskort", "avslut", "uppfoljning_6man", "samverkan",
                           "personalskattning"}


def test_avslutningsenkat_has_the_spec_wording_and_codes():
    q, _ = load_file(SHIPPED / "avslutningsenkat.yaml")
    assert q.respondent is RespondentKind.PARTICIPANT
    assert q.keys == (
        "kon", "aldersgrupp", "fodelseregion", "bemotande_samordnare", "bemotande_handlaggare",
        "diskriminering", "tro_formaga", "mar_battre", "kommentar",
    )
    assert q.question("kon").background
    assert q.question("bemotande_samordnare").text == "Hur har du blivit bemött av din samordnare?"
    handlaggare = q.question("bemotande_handlaggare")
    assert handlaggare.option_codes == ("bra", "varken_eller", "daligt", "ingen")
    assert handlaggare.not_applicable_codes == ("ingen",)
    diskriminering = q.question("diskriminering")
    assert diskriminering.type == "multi"
    assert diskriminering.option_codes == (
        "nej", "kon", "etnicitet", "religion", "funktionsnedsattning", "sexuell_laggning", "alder", "vet_ej",
    )
    assert {(c.key, c.values) for c in diskriminering.show_if.any_of} == {
        ("bemotande_samordnare", ("varken_eller", "daligt")),
        ("bemotande_handlaggare", ("varken_eller", "daligt")),
    }
    assert q.question("tro_formaga").positive == ("4", "5")
    assert [o.label for o in q.question("mar_battre").options] == [
        "Mycket sämre", "Lite sämre", "Ingen skillnad", "Lite bättre", "Mycket bättre",
    ]
    assert [(g.question, g.target) for g in q.goals] == [
        ("bemotande_samordnare", 90), ("tro_formaga", 90), ("mar_battre", 90),
    ]


def test_progressionskort_is_paired_with_seven_items_and_activity_bands():
    q, _ = load_file(SHIPPED / "progressionskort.yaml")
    assert q.paired and q.uses_participant_code
    items = [x.key for x in q.questions if x.type == "scale"]
    assert items == [
        "tror_klarar_arbete", "vet_hur_forbattra", "ide_om_arbete", "halsa_for_arbete",
        "hantera_vardag", "sociala_kompetenser", "soka_arbete",
    ]
    assert all(o.help for key in items for o in q.question(key).options)
    assert q.question("timmar_aktivitet").option_codes == ("0", "1-5", "6-9", "10-19", "20-29", "30+")
    assert q.goals[0].measure == "moved_up" and q.goals[0].target == 70


def test_samverkan_asks_roles_and_shows_the_matrix_to_samordnare_only():
    q, _ = load_file(SHIPPED / "samverkan.yaml")
    assert q.role_codes == ("kommunchef", "samordnare", "region", "annan")
    matrix = q.question("insatser_indikatorer")
    assert len(matrix.rows) == 10 and matrix.rows[-1].key == "social_mentor"
    assert matrix.show_if.any_of[0].source == "role"
    assert q.question("samverkan_ame_af").not_applicable_codes == ("vet_ej",)


def test_staff_about_participant_forms_use_the_participant_code():
    avslut, _ = load_file(SHIPPED / "avslut.yaml")
    uppfoljning, _ = load_file(SHIPPED / "uppfoljning_6man.yaml")
    assert avslut.uses_participant_code and not avslut.paired
    assert [g.codes for g in avslut.goals] == [
        ("arbete", "arbete_subventionerat", "studier", "arbetssokande"), ("arbetstraning",),
    ]
    assert uppfoljning.question("progression").positive == ("okat", "behallit")


def test_the_same_content_hashes_alike_and_a_change_hashes_differently():
    _, one = load_file(SHIPPED / "avslut.yaml")
    _, two = load_file(SHIPPED / "avslut.yaml")
    assert content_hash(one) == content_hash(two)
    changed = dict(one, title="Avslut (ny)")
    assert content_hash(changed) != content_hash(one)


def _broken(tmp_path: Path, body: str) -> Path:
    shutil.copy(SHIPPED / "_background.yaml", tmp_path / "_background.yaml")
    path = tmp_path / "broken.yaml"
    path.write_text(textwrap.dedent(body), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (
            """
            key: broken
            title: T
            respondent: participant
            questions:
              - {key: fraga, type: single, text: Fråga, options: [{code: a, label: A}], colour: red}
            """,
            "broken.yaml: fraga: Additional properties are not allowed ('colour' was unexpected)",
        ),
        (
            """
            key: broken
            title: T
            respondent: participant
            questions:
              - {key: skala, type: scale, text: Skala, options: [{code: 1, label: A}, {code: 2, label: B}]}
            """,
            "broken.yaml: skala: a scale needs the steps 1–5 in order",
        ),
        (
            """
            key: broken
            title: T
            respondent: participant
            questions:
              - key: senare
                type: single
                text: Senare
                options: [{code: a, label: A}]
                show_if: [{question: forst, in: [a]}]
              - {key: forst, type: single, text: Först, options: [{code: a, label: A}]}
            """,
            "broken.yaml: senare: show_if refers to 'forst', which is not an earlier question",
        ),
        (
            """
            key: broken
            title: T
            respondent: participant
            questions:
              - {key: fraga, type: single, text: Fråga, options: [{code: a, label: A}], positive: [b]}
            """,
            "broken.yaml: fraga: positive code 'b' is not one of the options",
        ),
        (
            """
            key: broken
            title: T
            respondent: participant
            questions:
              - {key: fraga, type: single, text: Fråga, options: [{code: a, label: A}]}
            goals:
              - {question: saknas, target: 90, label: Mål}
            """,
            "broken.yaml: goal saknas: no such question",
        ),
        (
            """
            key: broken
            title: T
            respondent: participant
            questions:
              - include: nothing
            """,
            "broken.yaml: include nothing: no file _nothing.yaml",
        ),
        ("key: [unclosed", "broken.yaml: not valid YAML"),
    ],
)
def test_a_broken_file_names_file_key_and_problem(tmp_path, body, expected):
    path = _broken(tmp_path, body)
    with pytest.raises(QuestionnaireError) as error:
        load_file(path)
    assert any(problem.startswith(expected) for problem in error.value.problems), error.value.problems


def test_key_must_match_the_file_name(tmp_path):
    path = _broken(tmp_path, """
        key: other
        title: T
        respondent: staff
        questions:
          - {key: fraga, type: text, text: Fråga}
        """)
    with pytest.raises(QuestionnaireError, match="key 'other' must match the file name"):
        load_file(path)


def _with_pictures(tmp_path: Path, *pictures: str) -> Path:
    shutil.copy(SHIPPED / "_background.yaml", tmp_path / "_background.yaml")
    (tmp_path / "pictures").mkdir()
    (tmp_path / "pictures" / "glad.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    options = ", ".join(f"{{code: o{i}, label: O{i}, picture: {name!r}}}" for i, name in enumerate(pictures))
    (tmp_path / "bilder.yaml").write_text(textwrap.dedent(f"""
        key: bilder
        title: T
        respondent: participant
        questions:
          - {{key: fraga, type: single, text: Fråga, options: [{options}]}}
        """), encoding="utf-8")
    return tmp_path


def test_every_picture_names_a_picture_file(tmp_path):
    folder = _with_pictures(tmp_path, "glad.svg", "saknas.png", "../glad.svg", "glad.txt", ".glad.svg")
    with pytest.raises(QuestionnaireError) as error:
        load_directory(folder)
    assert error.value.problems == [
        "bilder.yaml: fraga: option o1: picture 'saknas.png': no such file in pictures/",
        "bilder.yaml: fraga: option o2: picture '../glad.svg': must be a file name ending in "
        ".svg, .png, .jpg, .jpeg, .webp",
        "bilder.yaml: fraga: option o3: picture 'glad.txt': must be a file name ending in "
        ".svg, .png, .jpg, .jpeg, .webp",
        "bilder.yaml: fraga: option o4: picture '.glad.svg': must be a file name ending in "
        ".svg, .png, .jpg, .jpeg, .webp",
    ]


def test_a_picture_that_exists_loads(tmp_path):
    loaded = load_directory(_with_pictures(tmp_path, "glad.svg"))
    assert loaded["bilder"][0].questions[0].options[0].picture == "glad.svg"

"""Loading answers into frames: rounds in order of their start, filters applied in SQL."""

from __future__ import annotations

from datetime import date

from surveyapp.extensions import db
from surveyapp.services.frames import load_answers, ordered_rounds
from tests import factories
from tests.exports.dataset import import_rows, samverkan_rows


def test_a_rounds_opening_date_orders_it_before_its_first_answer(runner, tmp_path):
    import_rows(runner, tmp_path, "samverkan", samverkan_rows(5, month=2), "Tidig")
    import_rows(runner, tmp_path, "samverkan", samverkan_rows(5, month=6), "Sen")
    late = factories.round_("samverkan", "Sen")
    late.opens_on = date(2026, 1, 10)
    db.session.commit()
    rounds = ordered_rounds("samverkan")
    assert [(r.name, r.start) for r in rounds] == [("Sen", date(2026, 1, 10)), ("Tidig", rounds[1].start)]
    assert rounds[1].start.month == 2


def test_frames_hold_one_row_per_response_and_per_answer(runner, tmp_path):
    rows = samverkan_rows(8, month=4)
    import_rows(runner, tmp_path, "samverkan", rows, "M1")
    data = load_answers("samverkan")
    assert data.rounds == ("M1",)
    assert len(data.responses) == 8
    assert set(data.responses["uuid"]) == {r["response_id"] for r in rows}
    texts = data.answers[data.answers["question"] == "forbattra_samverkan"]
    assert texts["code"].isna().all() and texts["number"].isna().all()
    scales = data.answers[data.answers["question"] == "samverkan_ame_fk"]
    assert set(scales.loc[scales["code"] == "vet_ej", "number"].isna()) <= {True}
    assert (scales.loc[scales["code"] != "vet_ej", "number"] == scales.loc[scales["code"] != "vet_ej", "code"]
            .astype(int)).all()


def test_filters_by_organisation_and_period(runner, tmp_path):
    rows = samverkan_rows(20, month=5)
    import_rows(runner, tmp_path, "samverkan", rows, "M1")
    skovde = factories.organisation("Skövde")
    data = load_answers("samverkan", organisation_ids={skovde.id})
    assert len(data.responses) == sum(r["organisation"] == "Skövde" for r in rows)
    first_half = load_answers("samverkan", since=date(2026, 5, 1), until=date(2026, 5, 14))
    assert len(first_half.responses) == sum(int(r["submitted_at"][8:10]) <= 14 for r in rows)
    assert len(load_answers("samverkan", organisation_ids=set()).responses) == 0


def test_only_the_responses_coded_in_another_questionnaire(runner, tmp_path):
    from tests.exports.dataset import personalskattning_rows, progressionskort_rows

    own, staff = progressionskort_rows(60), personalskattning_rows()
    import_rows(runner, tmp_path, "progressionskort", own, "R1")
    # the staff rated only the participants of the first ten own ratings
    rated = {row["participant_code"] for row in own[:10]}
    staff = [r for r in staff if r["participant_code"] in rated]
    import_rows(runner, tmp_path, "personalskattning", staff, "R1")
    everyone = load_answers("progressionskort")
    coded = load_answers("progressionskort", coded_in="personalskattning", questions=["tror_klarar_arbete"])
    assert set(coded.responses["participant_code"]) == rated
    assert len(coded.responses) == everyone.responses["participant_code"].isin(rated).sum()
    assert len(coded.responses) < len(everyone.responses)
    assert set(coded.answers["question"]) == {"tror_klarar_arbete"}
    # from the same organisations only (a participant is rated in one organisation)
    first = factories.organisation(own[0]["organisation"])
    mine = load_answers("progressionskort", organisation_ids={first.id}, coded_in="personalskattning")
    assert set(mine.responses["participant_code"]) == {
        r["participant_code"] for r in staff if r["organisation"] == first.name}

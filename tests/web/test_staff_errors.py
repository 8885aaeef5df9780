"""A staff member refused a page keeps the staff menu and a way on; participants' error pages
never show staff menus."""

from __future__ import annotations

from tests import factories


def test_projektledning_opening_deltagare_gets_a_403_page_with_the_menu(client):
    factories.login(client, factories.user("pl@projekt.example", "projektledning"))
    response = client.get("/staff/deltagare")
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "Du har inte behörighet till den här sidan." in page
    assert 'href="/staff/mattillfallen"' in page and "Logga ut" in page
    assert "Till startsidan" in page and "Deltagare</a>" not in page


def test_a_missing_staff_page_keeps_the_menu_and_a_participant_page_does_not(client):
    factories.login(client, factories.user("sam@mariestad.example", "samordnare"))
    staff = client.get("/staff/deltagare/FINNS-INTE")
    assert staff.status_code == 404
    assert "Logga ut" in staff.get_data(as_text=True)
    participant = client.get("/s/finns-inte")
    assert participant.status_code == 404
    assert "Logga ut" not in participant.get_data(as_text=True)


def test_deltagare_is_paged_and_searchable_within_the_own_kommun(client):
    from surveyapp.extensions import db
    from surveyapp.services.participant_codes import create_codes

    create_codes(factories.organisation("Skövde"), 30)
    codes = create_codes(factories.organisation("Mariestad"), 120)
    db.session.commit()
    factories.login(client, factories.user("sam@mariestad.example", "samordnare", ["Mariestad"]))
    first = client.get("/staff/deltagare").get_data(as_text=True)
    assert "Visar 1–50 av 120 koder" in first and "Sida 1 av 3" in first
    assert first.count('class="code" href=') == 50
    last = client.get("/staff/deltagare?sida=3").get_data(as_text=True)
    assert "Visar 101–120 av 120 koder" in last and last.count('class="code" href=') == 20
    wanted = codes[7].code
    found = client.get("/staff/deltagare", query_string={"sok": wanted[:5].lower()}).get_data(as_text=True)
    assert wanted in found and "Sida 1 av" not in found
    one = client.get("/staff/deltagare", query_string={"sok": wanted}).get_data(as_text=True)
    assert "Visar 1–1 av 1 kod<" in one
    nothing = client.get("/staff/deltagare", query_string={"sok": "%_"}).get_data(as_text=True)
    assert "Ingen kod innehåller %_." in nothing

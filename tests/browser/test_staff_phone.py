"""Staff pages on a 360 px phone: nothing scrolls sideways (wide tables scroll inside their own
box) and the account row, "Logga ut" included, stays on the screen."""

from __future__ import annotations

import pytest

from surveyapp.extensions import db
from surveyapp.services.participant_codes import create_codes
from tests import factories

pytestmark = pytest.mark.browser

PASSWORD = "ett långt lösenord"
#: the elements that reach past the screen's right edge, outside a box that scrolls them
WIDE = """() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > innerWidth + 1 && !e.closest('.table-wrap'))
  .slice(0, 5).map(e => e.tagName + '.' + e.className)"""


def test_staff_pages_do_not_scroll_sideways_on_a_phone(live_server, phone):
    codes = create_codes(factories.organisation("Mariestad"), 60)
    factories.round_("avslutningsenkat")
    factories.user("samordnare.med.en.lang.adress@mariestad.example", "samordnare", ["Mariestad"],
                   password=PASSWORD)
    db.session.commit()
    phone.goto(f"{live_server.url}/login")
    phone.fill("#email", "samordnare.med.en.lang.adress@mariestad.example")
    phone.fill("#password", PASSWORD)
    phone.get_by_role("button", name="Logga in").click()
    phone.wait_for_url("**/staff/**")
    for path in ("/staff/deltagare", f"/staff/deltagare/{codes[0].code}", "/staff/mattillfallen",
                 "/reports/avslutningsenkat", "/konto"):
        phone.goto(f"{live_server.url}{path}")
        width, visible = phone.evaluate("[document.documentElement.scrollWidth, innerWidth]")
        wide = phone.evaluate(WIDE)
        assert width <= visible, f"{path} scrolls sideways: {width} > {visible} ({wide})"
        logout = phone.get_by_role("button", name="Logga ut").bounding_box()
        assert logout["x"] >= 0 and logout["x"] + logout["width"] <= visible, path

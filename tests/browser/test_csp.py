"""The browser suite's guard: a page that breaks the Content-Security-Policy fails the test."""

from __future__ import annotations

from tests.browser.conftest import CSP_VIOLATIONS


def test_an_inline_style_or_script_is_reported_as_a_violation(live_server, tablet):
    tablet.goto(live_server.url + "/login")
    tablet.evaluate("""() => {
        const div = document.createElement("div");
        div.setAttribute("style", "color: red");
        document.body.append(div);
    }""")
    tablet.wait_for_timeout(200)
    found = list(CSP_VIOLATIONS)
    CSP_VIOLATIONS.clear()  # expected here: this test shows the guard works
    assert any("style-src" in v for v in found), found


def test_the_login_page_runs_its_nonced_script(live_server, tablet):
    tablet.goto(live_server.url + "/login")
    assert tablet.evaluate("document.documentElement.classList.contains('js')")

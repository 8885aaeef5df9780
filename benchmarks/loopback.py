"""A participant's browser for the benchmarks: plain HTTP/1.1 on loopback, a cookie jar, no
redirects followed; and the answers every benchmark participant gives."""

from __future__ import annotations

import html
import http.client
import re
from http.cookies import SimpleCookie
from urllib.parse import urlencode

#: the avslutningsenkät answered in full (the kommentar is each benchmark's own)
ANSWERS = {"kon": "kvinna", "aldersgrupp": "25-29", "fodelseregion": "sverige", "bemotande_samordnare": "bra",
           "bemotande_handlaggare": "ingen", "tro_formaga": "5", "mar_battre": "4"}

HIDDEN = re.compile(r'<input[^>]*type="hidden"[^>]*>')


class Browser:
    """One participant's browser; each request on a connection of its own."""

    def __init__(self, port: int, host: str = "127.0.0.1", timeout: float = 30):
        self.host, self.port, self.timeout = host, port, timeout
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict | list | None = None) -> tuple[int, dict, str]:
        """The status, the headers and the text of the answer."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        data = None
        if body is not None:
            data = urlencode(body, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            for value in response.headers.get_all("Set-Cookie") or []:
                for key, morsel in SimpleCookie(value).items():
                    self.cookies[key] = morsel.value
            return response.status, dict(response.headers), text
        finally:
            conn.close()


def hidden_fields(page: str) -> list[tuple[str, str]]:
    """The (name, value) of every hidden input of a page: what its form sends besides answers."""
    fields = []
    for tag in HIDDEN.findall(page):
        name = re.search(r'name="([^"]*)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name:
            fields.append((html.unescape(name.group(1)), html.unescape(value.group(1) if value else "")))
    return fields

"""The documentation: the README's links lead somewhere, the docs site builds with MkDocs in strict
mode (a broken link or anchor in any page of docs/ fails it), and the README stays a doorway."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

LINK = re.compile(r"\]\(([^)\s]+)\)")


def _relative_links(markdown: str) -> list[str]:
    return [target for target in LINK.findall(markdown) if not re.match(r"[a-z]+:", target)]


def test_readme_is_short_and_its_links_lead_to_files_and_headings():
    readme = (ROOT / "README.md").read_text()
    assert len(readme.splitlines()) <= 150
    for target in _relative_links(readme):
        path, _, anchor = target.partition("#")
        file = ROOT / path
        assert file.exists(), target
        if anchor:
            headings = {re.sub(r"[^\w\- ]", "", line.lstrip("#").strip().lower()).replace(" ", "-")
                        for line in file.read_text().splitlines() if line.startswith("#")}
            assert anchor in headings, target


def test_readme_keeps_the_demo_logins_that_init_prints():
    from surveyapp.cli.setup import DEMO_ACCOUNTS, DEMO_PIN

    readme = (ROOT / "README.md").read_text()
    for _role, email, password, _organisation in DEMO_ACCOUNTS:
        assert email in readme and password in readme
    assert f"kiosk PIN {DEMO_PIN}" in readme


def test_the_docs_site_builds_without_a_broken_link(tmp_path):
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(tmp_path)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "production.html").exists()


def test_every_page_links_only_to_pages_and_images_that_exist():
    """Links MkDocs does not check: to files outside docs/ (they would not be in the site)."""
    for page in Path(ROOT / "docs").rglob("*.md"):
        for target in _relative_links(page.read_text()):
            path = target.partition("#")[0]
            if path:
                resolved = (page.parent / path).resolve()
                assert resolved.is_relative_to(ROOT / "docs"), f"{page.name}: {target} leaves docs/"
                assert resolved.exists(), f"{page.name}: {target}"

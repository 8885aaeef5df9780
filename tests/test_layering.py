"""The walls between layers: the engine and the analysis know nothing of Flask or SQL,
and the exports render figures without computing statistics."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "surveyapp"

RULES = {
    "questionnaire": ("flask", "flask_babel", "flask_sqlalchemy", "sqlalchemy", "werkzeug"),
    "analysis": ("flask", "flask_babel", "flask_sqlalchemy", "sqlalchemy", "werkzeug"),
    "exports": ("scipy", "flask_sqlalchemy", "sqlalchemy"),
}


def _imports(path: Path, package: Path) -> set[str]:
    """Top-level modules a file imports, relative imports resolved inside the package."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    module_parts = path.relative_to(package.parent).with_suffix("").parts
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = module_parts[: len(module_parts) - node.level]
                names.add(".".join((*base, *(node.module.split(".") if node.module else ()))))
            else:
                names.add(node.module)
    return names


def _forbidden(layer: str, banned: tuple[str, ...], package: Path = PACKAGE) -> list[str]:
    problems = []
    for path in sorted((package / layer).rglob("*.py")):
        for name in _imports(path, package):
            top = name.split(".")[0]
            if top in banned:
                problems.append(f"{path.relative_to(package)} imports {name}")
            # a layer may lean on another package module only if that one obeys the same rule
            if name.startswith("surveyapp.") and name.split(".")[1] not in (
                layer, "questionnaire", "analysis"
            ):
                problems.append(f"{path.relative_to(package)} imports {name}")
    return problems


@pytest.mark.parametrize("layer", sorted(RULES))
def test_layer_keeps_its_imports(layer):
    assert _forbidden(layer, RULES[layer]) == []


def test_the_check_catches_a_forbidden_import(tmp_path):
    layer = tmp_path / "surveyapp" / "analysis"
    layer.mkdir(parents=True)
    (layer / "bad.py").write_text("from flask import current_app\nfrom ..models import Response\n")
    assert len(_forbidden("analysis", RULES["analysis"], tmp_path / "surveyapp")) == 2


def test_only_the_analysis_and_the_loaders_use_pandas():
    users = {
        str(path.relative_to(PACKAGE))
        for path in PACKAGE.rglob("*.py")
        if any(name.split(".")[0] == "pandas" for name in _imports(path, PACKAGE))
    }
    # the loaders: answer frames, and the answers counted per cell
    assert {u for u in users if not u.startswith("analysis/")} <= {"services/frames.py", "services/cells.py"}

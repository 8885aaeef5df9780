"""Questionnaire texts for translators: a Babel extraction method and the texts a respondent sees.

``pybabel extract -F translations/questionnaires.cfg`` runs :func:`extract_yaml` over
``questionnaires/*.yaml`` (it is registered as ``questionnaire`` in the ``babel.extractors``
entry point group), so questionnaire texts are translated in ordinary ``.po`` files of the
``questionnaires`` domain. The Swedish text itself is the msgid.
"""

from __future__ import annotations

import hashlib
import unicodedata
from collections.abc import Iterator
from functools import lru_cache
from typing import IO, Any

import yaml

from .model import Questionnaire

#: keys whose value is a text shown to a respondent or in a report
_TEXT_KEYS = ("title", "intro", "text", "help", "label")


def _describe(path: tuple[str, ...], key: str) -> str:
    """A short note for translators on where a text is used, e.g. ``mar_battre, option 5: label``."""
    return ", ".join(path + (key,)) if path else key


def _walk(node: yaml.Node, path: tuple[str, ...]) -> Iterator[tuple[int, str, str]]:
    if isinstance(node, yaml.MappingNode):
        values = {k.value: v for k, v in node.value if isinstance(k, yaml.ScalarNode)}
        here = path
        if isinstance(values.get("key"), yaml.ScalarNode):
            here = path + (values["key"].value,)
        elif isinstance(values.get("code"), yaml.ScalarNode):
            here = path + (f"option {values['code'].value}",)
        elif isinstance(values.get("question"), yaml.ScalarNode) and "label" in values:
            here = path + (f"goal {values['question'].value}",)
        for key_node, value in node.value:
            key = getattr(key_node, "value", None)
            if key in _TEXT_KEYS and isinstance(value, yaml.ScalarNode) and value.value.strip():
                yield value.start_mark.line + 1, value.value, _describe(here, key)
            elif isinstance(value, yaml.MappingNode | yaml.SequenceNode):
                yield from _walk(value, here)
    elif isinstance(node, yaml.SequenceNode):
        for item in node.value:
            yield from _walk(item, path)


def extract_yaml(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: dict
) -> Iterator[tuple[int, None, str, list[str]]]:
    """Babel extraction method: yields ``(line, None, text, [where it is used])`` per text.
    The project file's texts are the project's own words, shown as written: none from it."""
    if str(getattr(fileobj, "name", "")).endswith("_project.yaml"):
        return
    root = yaml.compose(fileobj.read().decode(options.get("encoding", "utf-8")))
    if root is None:
        return
    seen: set[tuple[int, str]] = set()
    for line, text, where in _walk(root, ()):
        # an alias (``*bra_daligt``) repeats the same node; one entry per line is enough
        if (line, text) in seen:
            continue
        seen.add((line, text))
        yield line, None, text, [where]


def respondent_texts(questionnaire: Questionnaire) -> set[str]:
    """Every text a respondent of ``questionnaire`` sees (goal labels are for reports only)."""
    texts = {questionnaire.title, questionnaire.intro}
    texts |= {role.label for role in questionnaire.roles}
    for q in questionnaire.questions:
        texts |= {q.text, q.help}
        texts |= {row.text for row in q.rows}
        for option in q.options:
            texts |= {option.label, option.help}
    return {t for t in texts if t}


@lru_cache(maxsize=16384)
def text_hash(text: str) -> str:
    """sha256 (hex) of a text: Unicode NFC, outer spaces dropped. A Swedish text's hash ties its
    translations to it, a spoken text's hash its recordings."""
    return hashlib.sha256(unicodedata.normalize("NFC", text.strip()).encode()).hexdigest()

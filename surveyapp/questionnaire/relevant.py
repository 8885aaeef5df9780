"""XLSForm's ``relevant`` expressions and surveyapp's ``show_if``, both ways.

surveyapp shows a question when any one of its conditions holds, each condition being "this
earlier question (or the respondent's role) has one of these codes". An expression is read into
that shape where it can be (``=``, ``!=``, ``selected()``, ``or``, ``not`` and ``and`` on one
question) and refused where it cannot (``and`` over two questions).
"""

from __future__ import annotations

import re

#: the name a ``relevant`` uses for the respondent's role (asked before the questions)
ROLE = "role"


class Parser:
    """XLSForm's ``relevant``: ``${q} = 'a'``, ``!=``, ``selected(${q}, 'a')``, and/or/not, brackets."""

    TOKEN = re.compile(r"\s*(?:(\$\{[A-Za-z_][\w.-]*\})|('[^']*'|\"[^\"]*\")|(-?\d+(?:\.\d+)?)|"
                       r"(!=|=|\(|\)|,)|([A-Za-z_][\w-]*))")

    def __init__(self, text: str):
        self.tokens: list[tuple[str, str]] = []
        position = 0
        text = text.strip()
        while position < len(text):
            match = self.TOKEN.match(text, position)
            if not match or match.end() == position:
                raise ValueError(f"cannot read {text[position:]!r}")
            position = match.end()
            kind = ("name", "string", "number", "symbol", "word")[match.lastindex - 1]
            value = match[match.lastindex]
            if kind == "name":
                value = value[2:-1]
            elif kind == "string":
                value = value[1:-1]
            elif kind == "number":
                kind = "string"
            self.tokens.append((kind, value))
        self.index = 0

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.index] if self.index < len(self.tokens) else None

    def take(self, kind: str, value: str | None = None) -> str:
        token = self.peek()
        if token is None or token[0] != kind or (value is not None and token[1] != value):
            found = token[1] if token else "the end"
            raise ValueError(f"expected {value or kind} but found {found!r}")
        self.index += 1
        return token[1]

    def parse(self):
        tree = self.either()
        if self.peek() is not None:
            raise ValueError(f"unexpected {self.peek()[1]!r}")
        return tree

    def either(self):
        parts = [self.both()]
        while self.peek() == ("word", "or"):
            self.index += 1
            parts.append(self.both())
        return parts[0] if len(parts) == 1 else ("or", parts)

    def both(self):
        parts = [self.single()]
        while self.peek() == ("word", "and"):
            self.index += 1
            parts.append(self.single())
        return parts[0] if len(parts) == 1 else ("and", parts)

    def single(self):
        token = self.peek()
        if token == ("symbol", "("):
            self.index += 1
            tree = self.either()
            self.take("symbol", ")")
            return tree
        if token == ("word", "not"):
            self.index += 1
            self.take("symbol", "(")
            tree = self.either()
            self.take("symbol", ")")
            return ("not", tree)
        if token == ("word", "selected"):
            self.index += 1
            self.take("symbol", "(")
            name = self.take("name")
            self.take("symbol", ",")
            value = self.take("string")
            self.take("symbol", ")")
            return ("is", name, value)
        name = self.take("name")
        operator = self.take("symbol")
        if operator not in ("=", "!="):
            raise ValueError(f"expected = or != after ${{{name}}}")
        value = self.take("string")
        if operator == "!=":
            return ("not", ("is", name, value))
        return ("is", name, value)


def names(tree) -> list[str]:
    if tree[0] == "is":
        return [tree[1]]
    if tree[0] == "not":
        return names(tree[1])
    return [name for part in tree[1] for name in names(part)]


def terms(tree, codes_of: dict[str, list[str]]) -> dict[str, list[str]]:
    """The expression as "any of these questions has one of these codes", or ValueError."""
    if tree[0] == "is":
        return {tree[1]: [tree[2]]}
    if tree[0] == "not":
        inner = terms(tree[1], codes_of)
        if len(inner) != 1:
            raise ValueError("not(…) over two questions cannot be expressed; "
                             "name one question inside not(…)")
        (name, codes), = inner.items()
        return {name: [c for c in codes_of[name] if c not in codes]}
    parts = [terms(part, codes_of) for part in tree[1]]
    if tree[0] == "or":
        merged: dict[str, list[str]] = {}
        for part in parts:
            for name, codes in part.items():
                merged.setdefault(name, []).extend(c for c in codes if c not in merged[name])
        return merged
    names = {name for part in parts for name in part}
    if len(names) != 1 or any(len(part) != 1 for part in parts):
        raise ValueError("and over two questions cannot be expressed; surveyapp shows a question "
                         "when any one condition holds (or)")
    (name,) = names
    codes = parts[0][name]
    for part in parts[1:]:
        codes = [c for c in codes if c in part[name]]
    return {name: codes}


def relevant_of(show_if: list[dict], kinds: dict[str, str]) -> str:
    terms = []
    for cond in show_if:
        if "role" in cond:
            terms += [f"${{{ROLE}}} = '{code}'" for code in cond["role"]]
        elif kinds.get(cond["question"]) == "multi":
            terms += [f"selected(${{{cond['question']}}}, '{code}')" for code in cond["in"]]
        else:
            terms += [f"${{{cond['question']}}} = '{code}'" for code in cond["in"]]
    return " or ".join(terms)

"""The one schema every questionnaire file is validated against (JSON Schema, draft 2020-12)."""

#: the largest whole number an answer may hold, either sign (the database stores 32 bits)
MAX_NUMBER = 999_999_999
CODE = {"type": "string", "pattern": r"^[a-z0-9][a-z0-9_+\-]*$"}
KEY = {"type": "string", "pattern": r"^[a-z][a-z0-9_]*$"}
TEXT = {"type": "string", "minLength": 1}

OPTION = {
    "type": "object",
    "required": ["code", "label"],
    "additionalProperties": False,
    "properties": {
        "code": {"oneOf": [CODE, {"type": "integer"}]},
        "label": TEXT,
        "help": TEXT,
        "picture": TEXT,
        "not_applicable": {"type": "boolean"},
    },
}

CONDITION = {
    "oneOf": [
        {
            "type": "object",
            "required": ["question", "in"],
            "additionalProperties": False,
            "properties": {
                "question": KEY,
                "in": {"type": "array", "minItems": 1, "items": CODE},
            },
        },
        {
            "type": "object",
            "required": ["role"],
            "additionalProperties": False,
            "properties": {"role": {"type": "array", "minItems": 1, "items": CODE}},
        },
    ]
}

QUESTION = {
    "type": "object",
    "required": ["key", "type", "text"],
    "additionalProperties": False,
    "properties": {
        "key": KEY,
        "type": {"enum": ["single", "multi", "scale", "band", "matrix", "text", "integer"]},
        "text": TEXT,
        "help": TEXT,
        "required": {"type": "boolean"},
        "options": {"type": "array", "minItems": 1, "items": OPTION},
        "rows": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "required": ["key", "text"],
                "additionalProperties": False,
                "properties": {"key": KEY, "text": TEXT},
            },
        },
        "show_if": {"type": "array", "minItems": 1, "items": CONDITION},
        "positive": {"type": "array", "items": {"oneOf": [CODE, {"type": "integer"}]}},
        "max_length": {"type": "integer", "minimum": 1, "maximum": 10000},
        # the smallest and largest whole number an integer question takes
        "minimum": {"type": "integer", "minimum": -MAX_NUMBER, "maximum": MAX_NUMBER},
        "maximum": {"type": "integer", "minimum": -MAX_NUMBER, "maximum": MAX_NUMBER},
    },
}

INCLUDE = {
    "type": "object",
    "required": ["include"],
    "additionalProperties": False,
    "properties": {"include": KEY},
}

GOAL = {
    "type": "object",
    "required": ["question", "target", "label"],
    "additionalProperties": False,
    "properties": {
        "question": KEY,
        "target": {"type": "number", "minimum": 0, "maximum": 100},
        "label": TEXT,
        "measure": {"enum": ["share", "moved_up", "mean_shift"]},
        "codes": {"type": "array", "minItems": 1, "items": CODE},
    },
}

QUESTIONNAIRE = {
    "type": "object",
    "required": ["key", "title", "respondent", "questions"],
    "additionalProperties": False,
    "properties": {
        "key": KEY,
        "title": TEXT,
        "intro": TEXT,
        "respondent": {"enum": ["participant", "staff", "staff_about_participant"]},
        "paired": {"type": "boolean"},
        # "optional": an unpaired participant questionnaire that may carry the participant's
        # code, so that its answers count towards the project's reach
        "participant_code": {"enum": ["optional"]},
        "roles": {"type": "array", "minItems": 1, "items": OPTION},
        "questions": {
            "type": "array",
            "minItems": 1,
            "items": {"if": {"required": ["include"]}, "then": INCLUDE, "else": QUESTION},
        },
        "goals": {"type": "array", "items": GOAL},
    },
}

#: a file whose name starts with "_" holds questions included by other files
FRAGMENT = {
    "type": "object",
    "required": ["key", "questions"],
    "additionalProperties": False,
    "properties": {
        "key": KEY,
        "questions": {"type": "array", "minItems": 1, "items": QUESTION},
    },
}

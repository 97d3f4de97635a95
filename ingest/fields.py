"""The document's metadata fields (handlingens metadata) as a schema, and the checks behind it.

The fields are those of ``kb docs --json``; ``kb docs --schema`` prints :data:`DOCUMENT_SCHEMA`
(JSON Schema 2020-12). They are checked in two places:

- **writing**: a sidecar ``NAME.meta.json`` may set any of :data:`FIELDS`; :func:`check_sidecar`
  keeps the fields that fit the schema and names each one that does not, so one bad field is
  dropped with a warning and the rest of the sidecar (and of the batch) still goes in;
- **reading**: :func:`repair_fields` gives every field of a stored document a value of its schema
  (a bad one becomes the field's empty value), so nothing an index holds, an index written before
  these checks included, can make a page or a command fail.

The checker reads the subset of JSON Schema the fields use (type, minimum/maximum, minLength/
maxLength, pattern, format "date", items/maxItems, properties/required/additionalProperties);
``tests/test_sidecars.py`` holds it to the ``jsonschema`` library on generated values.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from typing import Any

YEARS = (1900, 2100)
TEXT = 2000        # characters of a one-line field (title, committee, …)
LIST = 500         # items of a list field

_TEXT = {"type": "string", "maxLength": TEXT}
_NTEXT = {"type": ["string", "null"], "maxLength": TEXT}

FIELDS: dict[str, dict] = {
    "title": _NTEXT,
    "doc_type": {"type": "string", "minLength": 1, "maxLength": 200},
    "municipality": _NTEXT,
    "committee": _NTEXT,
    "recipient": _NTEXT,
    "date": {"type": ["string", "null"], "format": "date", "pattern": r"\d{4}-\d{2}-\d{2}",
             "description": f"ISO date YYYY-MM-DD, year {YEARS[0]}–{YEARS[1]}"},
    "year": {"type": ["integer", "null"], "minimum": YEARS[0], "maximum": YEARS[1]},
    "date_inferred": {"type": "boolean"},
    "case_numbers": {"type": "array", "maxItems": LIST, "items": {"type": "string", "minLength": 1, "maxLength": 200}},
    "subject": _NTEXT,
    "recommendations": {"type": "array", "maxItems": LIST, "items": {
        "type": "object", "required": ["number", "text"], "additionalProperties": False,
        "properties": {"number": {"type": "integer", "minimum": 0, "maximum": 9999},
                       "text": {"type": "string", "maxLength": 20 * TEXT}}}},
    "activities": {"type": "array", "maxItems": LIST, "items": {
        "type": "object", "required": ["number", "text"], "additionalProperties": False,
        "properties": {"number": {"type": "string", "minLength": 1, "maxLength": 40},
                       "text": {"type": "string", "maxLength": 20 * TEXT}}}},
    "people": {"type": "array", "maxItems": LIST, "items": {
        "type": "object", "required": ["name", "role"], "additionalProperties": False,
        "properties": {"name": _TEXT, "role": _TEXT}}},
}

#: Each field's value when it is missing or unusable.
EMPTY: dict[str, Any] = {
    "title": None, "doc_type": "övrigt", "municipality": None, "committee": None, "recipient": None,
    "date": None, "year": None, "date_inferred": False, "case_numbers": [], "subject": None,
    "recommendations": [], "activities": [], "people": [],
}

#: One item of ``kb docs --json``: the fields plus what the index adds.
DOCUMENT_SCHEMA: dict = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "kb document (one item of `kb docs --json`; a sidecar NAME.meta.json may set the fields "
             "other than id, source, sections and pages)",
    "type": "object",
    "properties": {
        "id": {"type": "string", "pattern": "[0-9a-f]{8,64}"},
        "source": {"type": "string"},
        **{name: schema for name, schema in FIELDS.items() if name != "people"},
        "sections": {"type": "integer", "minimum": 0},
        "pages": {"type": "integer", "minimum": 1},
    },
}

_KINDS = {"string": "a string", "integer": "a whole number", "number": "a number", "boolean": "true or false",
          "null": "null", "array": "a list", "object": "an object"}


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _fits_type(kind: str, value: Any) -> bool:
    actual = _kind(value)
    return actual == kind or (kind == "number" and actual == "integer")


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "…"


def problem(schema: dict, value: Any, where: str = "value", *, strict: bool = True) -> str | None:
    """Why ``value`` does not fit ``schema``, in plain words, or None when it fits. ``strict=False``
    (stored documents) leaves out the limits on sizes and unknown keys: stored text is never cut for
    its length, and a key a later version adds is no reason to drop a list."""
    kinds = schema.get("type", [])
    kinds = [kinds] if isinstance(kinds, str) else kinds
    if kinds and not any(_fits_type(k, value) for k in kinds):
        wanted = " or ".join(_KINDS.get(k, k) for k in kinds)
        return f"{where} must be {wanted}, not {_shown(value)}"
    if isinstance(value, float) and not math.isfinite(value):
        return f"{where} must be a finite number, not {_shown(value)}"
    if isinstance(value, int | float) and not isinstance(value, bool):
        if "minimum" in schema and value < schema["minimum"] or "maximum" in schema and value > schema["maximum"]:
            return f"{where} must be between {schema.get('minimum')} and {schema.get('maximum')}, not {_shown(value)}"
    if isinstance(value, str):
        if strict and len(value) > schema.get("maxLength", math.inf):
            return f"{where} is longer than {schema['maxLength']} characters"
        if len(value) < schema.get("minLength", 0):
            return f"{where} must not be empty"
        if "pattern" in schema and not re.search(schema["pattern"], value):
            return f"{where} must look like {schema.get('description', schema['pattern'])}, not {_shown(value)}"
        if schema.get("format") == "date" and not _iso_date(value):
            return f"{where} must be a date YYYY-MM-DD of the years {YEARS[0]}–{YEARS[1]}, not {_shown(value)}"
    if isinstance(value, list):
        if strict and len(value) > schema.get("maxItems", math.inf):
            return f"{where} has more than {schema['maxItems']} items"
        for i, item in enumerate(value):
            found = problem(schema.get("items", {}), item, f"{where}[{i}]", strict=strict)
            if found:
                return found
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for key in schema.get("required", []):
            if key not in value:
                return f"{where} lacks {key!r}"
        for key, item in value.items():
            if key not in properties:
                if strict and schema.get("additionalProperties", True) is False:
                    return f"{where} has an unknown key {_shown(key)}"
                continue
            found = problem(properties[key], item, f"{where}.{key}", strict=strict)
            if found:
                return found
    return None


def _iso_date(text: str) -> bool:
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return False
    try:
        day = dt.date.fromisoformat(text)
    except ValueError:
        return False
    return YEARS[0] <= day.year <= YEARS[1]


def check_sidecar(data: dict) -> tuple[dict[str, Any], list[str]]:
    """The fields of a sidecar that fit the schema, and a problem line for each one that does not
    (an unknown key included)."""
    good: dict[str, Any] = {}
    problems: list[str] = []
    for key, value in data.items():
        if key not in FIELDS:
            problems.append(f"unknown field {_shown(key)} ignored (known: {', '.join(FIELDS)})")
            continue
        found = problem(FIELDS[key], value, f"field {key!r}")
        if found:
            problems.append(f"{found}: ignored")
        else:
            good[key] = value
    return good, problems


def repair_fields(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` with every field of :data:`FIELDS` that is present given a value of its schema:
    one that does not fit becomes the field's empty value (read side: stored documents)."""
    out = dict(values)
    for key, schema in FIELDS.items():
        if key in out and problem(schema, out[key], strict=False) is not None:
            out[key] = _salvage(key, out[key])
    return out


def _salvage(key: str, value: Any) -> Any:
    """What can be kept of a bad stored value: the good items of a list, else the empty value."""
    empty = EMPTY[key]
    if isinstance(empty, list) and isinstance(value, list):
        item_schema = FIELDS[key]["items"]
        return [item for item in value if problem(item_schema, item, strict=False) is None]
    return list(empty) if isinstance(empty, list) else empty

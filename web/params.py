"""Reading request parameters: one validated form for the pages and the API alike.

Each reader takes the raw query-string mapping and the limits from configuration and
either returns clean values or raises :class:`ParamError` naming the parameter, so the
page shows a clear message and the API answers 400 problem+json.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date

from web.labels import VERDICTS

DOC_ID = re.compile(r"[0-9a-f]{8,64}")
CASE_ID = re.compile(r"[A-Za-zÅÄÖåäö0-9._:-]{1,120}")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")
YEAR_RANGE = (1900, 2100)
SORTS = ("relevance", "date")
VIEWS = ("dokument", "avsnitt")  # one result per document (default), or today's section list
STATUSES = ("planned", "ongoing", "done")
TEXT_FILTERS = ("committee", "doc_type", "municipality")
MAX_FILTER_CHARS = 200
COMMITMENT_SORTS = ("document", "deadline", "status", "verdict", "committee")
COMMITMENTS_PER_PAGE = 50
MAX_COMMITMENTS_PER_PAGE = 500

# The search parameters in URL order: the same names as `kb search` options, plus the view.
SEARCH_KEYS = ("q", "year", "year_from", "year_to", "committee", "doc_type", "municipality",
               "recommendation", "sort", "visa", "page", "limit")


class ParamError(ValueError):
    """A parameter that cannot be used; ``param`` names it, the message says why."""

    def __init__(self, param: str, message: str):
        super().__init__(message)
        self.param = param
        self.message = message


@dataclass(frozen=True)
class Limits:
    max_query_chars: int = 500
    max_page_size: int = 100
    max_page: int = 1000

    @classmethod
    def from_config(cls, config: Mapping) -> Limits:
        return cls(int(config["MAX_QUERY_CHARS"]), int(config["MAX_PAGE_SIZE"]), int(config["MAX_PAGE"]))


def _text(args: Mapping, key: str, max_chars: int = MAX_FILTER_CHARS) -> str | None:
    value = args.get(key)
    if value is None:
        return None
    value = CONTROL.sub(" ", value).strip()
    if len(value) > max_chars:
        raise ParamError(key, f"{key} är för lång (högst {max_chars} tecken).")
    return value or None


def _int(args: Mapping, key: str, low: int, high: int, default: int | None = None) -> int | None:
    value = (args.get(key) or "").strip()
    if not value:
        return default
    if not re.fullmatch(r"[0-9]{1,9}", value):
        raise ParamError(key, f"{key} ska vara ett heltal, inte ”{value[:40]}”.")
    number = int(value)
    if not low <= number <= high:
        raise ParamError(key, f"{key} ska ligga mellan {low} och {high}.")
    return number


def _choice(args: Mapping, key: str, choices: tuple[str, ...], default: str | None = None) -> str | None:
    value = (args.get(key) or "").strip()
    if not value:
        return default
    if value not in choices:
        raise ParamError(key, f"{key} ska vara ett av: {', '.join(choices)}.")
    return value


def _date(args: Mapping, key: str) -> str | None:
    value = (args.get(key) or "").strip()
    if not value:
        return None
    message = f"{key} ska vara ett datum som ÅÅÅÅ-MM-DD."
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        raise ParamError(key, message)
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise ParamError(key, message) from None


def search_params(args: Mapping, limits: Limits) -> dict:
    """The validated search parameters, with ``None`` for what was not given."""
    params = {
        "q": _text(args, "q", limits.max_query_chars) or "",
        "year": _int(args, "year", *YEAR_RANGE),
        "year_from": _int(args, "year_from", *YEAR_RANGE),
        "year_to": _int(args, "year_to", *YEAR_RANGE),
        "recommendation": _int(args, "recommendation", 1, 999),
        "sort": _choice(args, "sort", SORTS, "relevance"),
        "visa": _choice(args, "visa", VIEWS, "dokument"),
        "page": _int(args, "page", 1, limits.max_page, 1),
        "limit": _int(args, "limit", 1, limits.max_page_size, 10),
    }
    for key in TEXT_FILTERS:
        params[key] = _text(args, key)
    if params["year_from"] and params["year_to"] and params["year_from"] > params["year_to"]:
        params["year_from"], params["year_to"] = params["year_to"], params["year_from"]
    return params


def service_kwargs(params: dict) -> dict:
    """The keyword arguments of ``KnowledgeBase.search`` (the query goes first)."""
    return {k: v for k, v in params.items() if k not in ("q", "visa")}


def filter_kwargs(params: dict) -> dict:
    """Only the filters: what ``KnowledgeBase.facets`` takes besides the query."""
    return {k: params[k] for k in ("year", "year_from", "year_to", *TEXT_FILTERS, "recommendation")}


def url_args(params: dict, **changes) -> dict:
    """The query-string arguments for a URL: defaults and empty values left out."""
    merged = {**params, **changes}
    defaults = {"sort": "relevance", "visa": "dokument", "page": 1, "limit": 10, "q": ""}
    return {k: merged[k] for k in SEARCH_KEYS
            if merged.get(k) is not None and merged.get(k) != defaults.get(k)}


def commitment_params(args: Mapping) -> dict:
    """Filters of the Åtaganden list (nämnd, år, status, förfaller före, bedömning, dokument),
    its order and its page."""
    doc = _text(args, "doc")
    if doc and not DOC_ID.fullmatch(doc):
        raise ParamError("doc", "doc ska vara ett dokument-id (hexadecimalt).")
    return {
        "doc": doc,
        "committee": _text(args, "committee"),
        "year": _int(args, "year", *YEAR_RANGE),
        "status": _choice(args, "status", STATUSES),
        "due_before": _date(args, "due_before"),
        "verdict": _choice(args, "verdict", VERDICTS),
        "as_of": _date(args, "as_of"),
        "sort": _choice(args, "sort", COMMITMENT_SORTS, "document"),
        "page": _int(args, "page", 1, 100_000, 1),
        "limit": _int(args, "limit", 1, MAX_COMMITMENTS_PER_PAGE, COMMITMENTS_PER_PAGE),
    }


COMMITMENT_DEFAULTS = {"sort": "document", "page": 1, "limit": COMMITMENTS_PER_PAGE}


def commitment_args(filters: dict, **changes) -> dict:
    """The Åtaganden list's query-string arguments: defaults and empty values left out."""
    merged = {**filters, **changes}
    return {k: v for k, v in merged.items() if v is not None and v != "" and COMMITMENT_DEFAULTS.get(k) != v}


def valid_doc_id(doc_id: str) -> bool:
    return bool(DOC_ID.fullmatch(doc_id))


def valid_case_id(case_id: str) -> bool:
    return bool(CASE_ID.fullmatch(case_id))

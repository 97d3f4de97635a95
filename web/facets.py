"""Facets as data (as in Datasette): one structure rendered by the page and the JSON alike.

Each facet is ``{name, title, results: [{value, label, count, selected, toggle_url}],
truncated}``; the URL that selects or deselects a value is computed here, once, never in
a template. The year facet (årsfacett) lists every year from the first to the last one
present, zeros included, so it draws as a histogram; every year of the chosen range is
selected. Counts are documents (see ``index.facets``).

Filters typed in the query (``år:2023..2025``, ``nämnd:…``) count as chosen exactly like clicked
ones: they select facet values, set the year range and become chips, and every URL that changes
or removes one takes it out of the query text, so the text and the chips never disagree.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence

from ingest.folding import fold_label
from web.params import url_args

# (parameter name, Swedish title, label of one value)
FACETS: tuple[tuple[str, str, Callable[[str], str]], ...] = (
    ("year", "År", str),
    ("committee", "Nämnd", str),
    ("doc_type", "Dokumenttyp", lambda v: v[:1].upper() + v[1:]),
    ("municipality", "Kommun", str),
    ("recommendation", "Rekommendation", lambda v: f"Rekommendation {v}"),
)
FILTER_TITLES = {
    **{name: title for name, title, _ in FACETS},
    "year_from": "Från år",
    "year_to": "Till år",
    "case_number": "Diarienummer",
}
MAX_VALUES = 10
# Facets read in their own order (rekommendation 1, 2, 3 …) rather than by count.
NUMBERED = {"recommendation"}

UrlFor = Callable[[dict], str]


def without_typed(params: dict, typed: Sequence, fields: Iterable[str] | None = None) -> dict:
    """``params`` with the filters typed in the query (of ``fields``, or all) taken out of ``q``."""
    gone = [f for f in typed if fields is None or f.field in fields]
    if not gone:
        return params
    from index.querylang import without_filters

    return {**params, "q": without_filters(params.get("q") or "", gone)}


def year_range(params: dict, typed: Sequence = ()) -> tuple[int | None, int | None]:
    """The years the search keeps, from the parameters and the query's år: together (both narrow)."""
    lows, highs = [], []
    if params.get("year") is not None:
        lows.append(params["year"])
        highs.append(params["year"])
    if params.get("year_from") is not None:
        lows.append(params["year_from"])
    if params.get("year_to") is not None:
        highs.append(params["year_to"])
    for f in typed:
        values = dict(f.filters)
        if values.get("year_from") is not None:
            lows.append(values["year_from"])
        if values.get("year_to") is not None:
            highs.append(values["year_to"])
    return (max(lows) if lows else None), (min(highs) if highs else None)


def _typed_values(typed: Sequence, name: str) -> list[str]:
    return [str(dict(f.filters)[name]) for f in typed if f.field == name and name in dict(f.filters)]


def _selected_labels(values: Iterable[str], wanted: list[str]) -> set[str]:
    """The facet values a typed filter keeps: an exact (folded) name, else every name containing it."""
    values = list(values)
    chosen: set[str] = set()
    for want in wanted:
        target = fold_label(want)
        exact = {v for v in values if fold_label(v) == target}
        chosen |= exact or {v for v in values if target and target in fold_label(v)}
    return chosen


def facet_results(counts: Mapping[str, Mapping[str, int]], params: dict, url_for: UrlFor,
                  max_values: int = MAX_VALUES, typed: Sequence = ()) -> list[dict]:
    """The facets of a search, from the service's ``{facet: {value: count}}`` counts.

    ``typed`` are the filters typed in the query (``index.querylang.TypedFilter``): they select
    values as clicked ones do, and choosing another value or deselecting one takes them out of
    the query text, so the text and the selection never disagree."""
    facets = []
    low, high = year_range(params, typed)
    for name, title, label in FACETS:
        values = {str(k): int(v) for k, v in (counts.get(name) or {}).items()}
        if name == "year":
            if low is not None and low == high:
                values.setdefault(str(low), 0)  # keep the chosen year visible (and removable) at zero
            ordered = _year_span(values)
            truncated = False

            def is_selected(value: str) -> bool:
                year = int(value)
                return (low is not None or high is not None) and (low is None or year >= low) and \
                    (high is None or year <= high)
        else:
            wanted = _typed_values(typed, name)
            clicked = None if params.get(name) is None else str(params[name])
            for value in [clicked] if clicked is not None else []:
                values.setdefault(value, 0)
            chosen = ({clicked} if clicked is not None else set()) | _selected_labels(values, wanted)
            ordered = sorted(values.items(), key=(_numbered if name in NUMBERED else _by_count))
            truncated = len(ordered) > max_values
            shown = ordered[:max_values]
            shown += [item for item in ordered[max_values:] if item[0] in chosen]
            ordered = shown

            def is_selected(value: str, chosen=chosen) -> bool:
                return value in chosen
        only = low is not None and low == high
        results = [
            {
                "value": value,
                "label": label(value),
                "count": count,
                "selected": is_selected(value),
                "toggle_url": url_for(_toggle(params, typed, name, value, is_selected(value),
                                              single=only or name != "year")),
            }
            for value, count in ordered
        ]
        facets.append({"name": name, "title": title, "results": results, "truncated": truncated,
                       "max_count": max((r["count"] for r in results), default=0)})
    return facets


def _by_count(item: tuple[str, int]) -> tuple:
    return (-item[1], item[0].casefold())


def _numbered(item: tuple[str, int]) -> tuple:
    value = item[0]
    return (0, int(value), "") if value.isdigit() else (1, 0, value.casefold())


def _year_span(values: dict[str, int]) -> list[tuple[str, int]]:
    years = sorted(int(v) for v in values if v.isdigit())
    if not years:
        return []
    return [(str(y), values.get(str(y), 0)) for y in range(years[0], years[-1] + 1)]


def _toggle(params: dict, typed: Sequence, name: str, value: str, selected: bool, single: bool) -> dict:
    """The URL arguments that select ``value`` (replacing what the query typed for the facet),
    or deselect it when it is the one chosen value."""
    cleared = without_typed(params, typed, [name])
    if name == "year":
        cleared = {**cleared, "year_from": None, "year_to": None}
    if selected and single:
        return url_args(cleared, **{name: None, "page": 1})
    return url_args(cleared, **{name: value, "page": 1})


def active_filters(params: dict, url_for: UrlFor, typed: Sequence = ()) -> list[dict]:
    """Every active filter as a removable chip: ``{name, title, value, label, source,
    remove_url}``, those chosen by a click (``source`` "parameter") and those typed in the query
    (``source`` "query", with ``text`` as typed; removing one takes it out of the query text)."""
    chips = []
    labels = {name: label for name, _, label in FACETS}
    for name, title in FILTER_TITLES.items():
        value = params.get(name)
        if value is None:
            continue
        chips.append({
            "name": name,
            "title": title,
            "value": str(value),
            "label": labels.get(name, str)(str(value)),
            "source": "parameter",
            "remove_url": url_for(url_args(params, **{name: None, "page": 1})),
        })
    q = params.get("q") or ""
    for f in typed:
        chips.append({
            "name": f.field,
            "title": FILTER_TITLES.get(f.field, f.field),
            "value": f.value,
            "label": _typed_label(f),
            "source": "query",
            "text": q[f.start:f.end],
            "remove_url": url_for(url_args(without_typed(params, [f]), page=1)),
        })
    return chips


def _typed_label(f) -> str:
    values = dict(f.filters)
    if f.field == "year":
        low, high = values.get("year_from"), values.get("year_to")
        if low is not None and low == high:
            return str(low)
        if low is not None and high is not None:
            return f"{low}–{high}"
        return f"från {low}" if low is not None else f"till {high}"
    if f.field == "recommendation":
        return f"Rekommendation {values['recommendation']}"
    value = str(values.get(f.field, f.value))
    return value[:1].upper() + value[1:]


DENSE_YEARS = 12  # more years than this and the histogram labels only some of them


def year_ticks(years: list[str], step: int | None = None, selected: str | None = None) -> set[str]:
    """The years of a histogram that get a visible label (the others are read out, not shown).

    Up to :data:`DENSE_YEARS` years every year is labelled. Beyond that the labels are round
    years (every 5th, or every 10th past 35 years) plus the first and the last year when they
    stand more than half a step from the nearest round year, so no two labels overlap. A
    ``selected`` year is always labelled, and the round years too near it give way.
    """
    if len(years) <= DENSE_YEARS:
        return set(years)
    step = step or (5 if len(years) <= 35 else 10)
    numbers = [int(y) for y in years]
    round_positions = [i for i, y in enumerate(numbers) if y % step == 0]
    ticks = {years[i] for i in round_positions}
    for end in (0, len(years) - 1):
        if all(abs(end - i) > step // 2 for i in round_positions):
            ticks.add(years[end])
    if selected in years:
        chosen = years.index(selected)
        ticks = {t for t in ticks if abs(years.index(t) - chosen) > step // 2} | {selected}
    return ticks

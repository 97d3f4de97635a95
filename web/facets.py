"""Facets as data (as in Datasette): one structure rendered by the page and the JSON alike.

Each facet is ``{name, title, results: [{value, label, count, selected, toggle_url}],
truncated}``; the URL that selects or deselects a value is computed here, once, never in
a template. The year facet (årsfacett) lists every year from the first to the last one
present, zeros included, so it draws as a histogram.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

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
}
MAX_VALUES = 10
# Facets read in their own order (rekommendation 1, 2, 3 …) rather than by count.
NUMBERED = {"recommendation"}

UrlFor = Callable[[dict], str]


def facet_results(counts: Mapping[str, Mapping[str, int]], params: dict, url_for: UrlFor,
                  max_values: int = MAX_VALUES) -> list[dict]:
    """The facets of a search, from the service's ``{facet: {value: count}}`` counts."""
    facets = []
    for name, title, label in FACETS:
        values = {str(k): int(v) for k, v in (counts.get(name) or {}).items()}
        selected = None if params.get(name) is None else str(params[name])
        if selected is not None and selected not in values:
            values[selected] = 0  # keep the chosen value visible (and removable) at zero hits
        if name == "year":
            ordered = _year_span(values)
            truncated = False
        else:
            ordered = sorted(values.items(), key=(_numbered if name in NUMBERED else _by_count))
            truncated = len(ordered) > max_values
            ordered = ordered[:max_values]
            if selected is not None and all(v != selected for v, _ in ordered):
                ordered.append((selected, values[selected]))
        results = [
            {
                "value": value,
                "label": label(value),
                "count": count,
                "selected": value == selected,
                "toggle_url": url_for(_toggle(params, name, value, value == selected)),
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


def _toggle(params: dict, name: str, value: str, selected: bool) -> dict:
    if selected:
        return url_args(params, **{name: None, "page": 1})
    changes: dict = {name: value, "page": 1}
    if name == "year":  # one year replaces a range
        changes.update(year_from=None, year_to=None)
    return url_args(params, **changes)


def active_filters(params: dict, url_for: UrlFor) -> list[dict]:
    """The active filters as removable chips: ``{name, title, value, label, remove_url}``."""
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
            "remove_url": url_for(url_args(params, **{name: None, "page": 1})),
        })
    return chips


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

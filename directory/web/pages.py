"""Server-rendered pages for people. Views translate HTTP to a service call and a template.

The search page is a GET form: it works without JavaScript, and every state of it is a link. It takes
the API's parameters (and ``credit`` as one of the credit facet's ranges); a bad value is left out and
named on the page rather than answered with an error, since a person typed it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Flask, render_template, request, url_for
from marshmallow import ValidationError, fields
from werkzeug.datastructures import MultiDict

from ..catalogue import listing, words
from ..catalogue import service as catalogue
from ..catalogue.words import FRAMEWORK_NAMES
from ..overlaps import review as overlap_review
from ..pathways import service as pathway_service
from ..search.facet_table import FACET, FILTERING, LANGUAGE_LABELS, PAGE_ORDER
from ..search.query import FacetValue, SearchQuery, SearchResult
from ..urls import safe_url
from . import jsonld, schemas
from .access import public
from .context import db, instance
from .schemas import day_words, present_hit
from .search_api import search_query

bp = Blueprint("pages", __name__)

PER_PAGE = 20
# The facet whose filter a parameter sets (its labeller names a chosen value).
FACET_OF_PARAM = {facet.param: facet for facet in FILTERING}
FILTER_PARAMS = ("provider", "subject", "eqf_level", "credit", "credit_min", "credit_max", "mode", "schedule",
                 "starts_after", "starts_before", "language", "psrb", "cost_max", "pathway", "complete")
_page_args = schemas.SearchPageArgs()


def _page_number() -> int:
    try:
        return max(1, min(int(request.args.get("page", 1)), 100_000))
    except ValueError:
        return 1


# -- the search page -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Chip:
    """One active filter, with the link that removes it."""

    label: str
    remove_url: str


def form_pairs(args: MultiDict) -> list[tuple[str, str]]:
    """The form's non-empty fields (a GET form sends every empty box), in order."""
    known = set(_page_args.fields)
    return [(name, value.strip()) for name, value in args.items(multi=True) if name in known and value.strip()]


def parse_form(pairs: list[tuple[str, str]]) -> tuple[dict[str, Any], list[tuple[str, str]], dict[str, str]]:
    """(parsed arguments, the pairs kept, {parameter: why it was left out})."""
    ignored: dict[str, str] = {}
    for _attempt in range(len(_page_args.fields)):
        raw: dict[str, Any] = {}
        for name, value in pairs:
            if isinstance(_page_args.fields[name], fields.List):
                raw.setdefault(name, []).append(value)
            else:
                raw[name] = value
        try:
            return _page_args.load(raw), pairs, ignored
        except ValidationError as exc:
            bad = {name: _reason(reason) for name, reason in exc.messages.items() if name in _page_args.fields}
            if not bad:
                raise
            ignored.update(bad)
            pairs = [(name, value) for name, value in pairs if name not in bad]
    return _page_args.load({}), [], ignored


def _reason(messages: Any) -> str:
    if isinstance(messages, dict):
        return "; ".join(_reason(m) for m in messages.values())
    if isinstance(messages, list):
        return "; ".join(_reason(m) for m in messages)
    return str(messages)


def _url(pairs: list[tuple[str, str]]) -> str:
    return url_for("pages.search_page") + ("?" + urlencode(pairs) if pairs else "")


def _without(pairs: list[tuple[str, str]], name: str, value: str | None = None) -> str:
    """The search with one filter value removed (back to page 1)."""
    kept = [(n, v) for n, v in pairs if n != "page" and not (n == name and (value is None or v == value))]
    return _url(kept)


def _labels(result: SearchResult) -> dict[tuple[str, str], str]:
    return {(facet, v.value): v.label for facet, values in result.facets.items() for v in values}


def _chip_label(name: str, value: str, labels: dict[tuple[str, str], str]) -> str:
    if (name, value) in labels:
        return labels[(name, value)]
    if name in FACET_OF_PARAM:
        return FACET_OF_PARAM[name].label(value, instance().vocab)
    fixed = {
        "credit_min": lambda: f"at least {float(value):g} credits",
        "credit_max": lambda: f"at most {float(value):g} credits",
        "starts_after": lambda: f"starts on or after {day_words(date.fromisoformat(value))}",
        "starts_before": lambda: f"starts on or before {day_words(date.fromisoformat(value))}",
        "psrb": lambda: "recognised by a professional body" if value == "any" else f"recognised by {value}",
        "cost_max": lambda: f"costs at most £{float(value):g}",
        "pathway": lambda: f"in pathway {value}",
        "complete": lambda: "publishes the full minimum information set",
    }
    return fixed[name]() if name in fixed else value


def active_filters(pairs: list[tuple[str, str]], result: SearchResult) -> list[Chip]:
    """A chip per filter value the search applies, each linking to the search without it."""
    labels = _labels(result)
    chips = [Chip(f"search: “{value}”", _without(pairs, name, value)) for name, value in pairs if name == "q"]
    chips += [
        Chip(_chip_label(name, value, labels), _without(pairs, name, value))
        for name, value in pairs if name in FILTER_PARAMS
    ]
    return chips


@dataclass(frozen=True)
class FacetOption:
    """One checkbox of a facet group; ``count`` is None for a chosen value the facet does not count."""

    value: str
    label: str
    count: int | None
    checked: bool


@dataclass(frozen=True)
class FacetGroup:
    """One facet's group of the search form: checkboxes, or radio buttons for a range facet's buckets."""

    param: str
    legend: str
    hint: str | None
    options: list[FacetOption]
    choose_one: bool = False


def facet_groups(form: dict[str, Any], result: SearchResult) -> list[FacetGroup]:
    """A group per facet, in ``PAGE_ORDER``; a chosen value a checkbox facet does not list stays, ticked.
    A range facet lists all its buckets, the chosen one ticked."""
    groups = []
    listed = {(FACET[f].param, v.value) for f, values in result.facets.items() for v in values}
    for facet in (FACET[name] for name in PAGE_ORDER):
        if facet.buckets:
            chosen = {str(form.get(facet.param) or "")}
        else:
            chosen = {str(v) for v in form.get(facet.param) or ()}
        options = [FacetOption(v.value, v.label, v.count, v.value in chosen)
                   for v in result.facets.get(facet.name) or []]
        if facet.buckets:
            groups.append(FacetGroup(facet.param, facet.legend or facet.name, facet.hint, options, choose_one=True))
            continue
        if facet.narrows is None:
            options += [FacetOption(value, _chip_label(facet.param, value, {}), None, True)
                        for value in sorted(chosen) if (facet.param, value) not in listed]
        if options:
            groups.append(FacetGroup(facet.param, facet.legend or facet.name, facet.hint, options))
    return groups


def pages_window(current: int, last: int, width: int = 2) -> list[int | None]:
    """Page numbers to link: the first, the last and ``width`` either side of the current; None is a gap."""
    shown = sorted({1, last, *range(max(1, current - width), min(last, current + width) + 1)})
    window: list[int | None] = []
    for number in shown:
        if window and number - (window[-1] or 0) > 1:
            window.append(None)
        window.append(number)
    return window


def _browse_subjects(result: SearchResult) -> list[FacetValue]:
    """Subjects to suggest when nothing matched: every subject with courses (a second, facets-only search)."""
    if result.total:
        return []
    everything = instance().search.search(SearchQuery(per_page=1, today=instance().clock.today()))
    return everything.facets.get("subject", [])


@bp.get("/")
@public
def search_page():
    pairs = form_pairs(request.args)
    form, pairs, ignored = parse_form(pairs)
    query = search_query({**form, "per_page": form.get("per_page", PER_PAGE)}, instance().clock.today())
    result = instance().search.search(query)
    last_page = max(1, -(-result.total // query.per_page))
    return render_template(
        "search.html",
        form=form,
        query=query,
        result=result,
        cards=[present_hit(hit) for hit in result.hits],
        chips=active_filters(pairs, result),
        clear_url=_url([(n, v) for n, v in pairs if n in ("q", "sort")]),
        groups=facet_groups(form, result),
        ignored=ignored,
        last_page=last_page,
        window=pages_window(query.page, last_page),
        page_url=lambda number: _url([(n, v) for n, v in pairs if n != "page"] + [("page", str(number))]),
        browse_subjects=_browse_subjects(result),
        filtered=any(name in FILTER_PARAMS for name, _ in pairs),
    )


# -- courses and providers -------------------------------------------------------------------------


@bp.get("/courses/<provider_id>/<path:course_id>")
@public
def course_page(provider_id: str, course_id: str):
    course = catalogue.get_course(db(), provider_id, course_id)
    content = course.current_version.content
    page_url = url_for("pages.course_page", provider_id=provider_id, course_id=course_id, _external=True)
    in_pathways = pathway_service.annotations(db(), provider_id, course_id, content.get("pathways") or [])
    overlapping = overlap_review.course_notes(db(), provider_id, course_id, shown=5)
    # The expected fields (listing policy) this record lacks: said where each would be, in plain words.
    gaps = {name: f"not published by {course.provider.name} yet" for name in
            listing.expected_missing(course.current_version.missing, instance().settings.listing_expected_only)}
    return render_template("course.html", course=course, content=content, frameworks=FRAMEWORK_NAMES,
                           in_pathways=in_pathways, overlapping=overlapping, gaps=gaps, gap_titles=listing.FIELD_TITLES,
                           today=instance().clock.today().isoformat(),
                           structured_data=jsonld.course_json_ld(course, content, page_url))


@bp.get("/providers")
@public
def providers_page():
    page = catalogue.list_providers(db(), _page_number(), 100)
    return render_template("providers.html", page=page)


@bp.get("/providers/<provider_id>")
@public
def provider_page(provider_id: str):
    provider = catalogue.get_provider(db(), provider_id)
    page = catalogue.list_courses(db(), provider_id, _page_number(), PER_PAGE)
    return render_template("provider.html", provider=provider, page=page,
                           today=instance().clock.today().isoformat())


def _language_words(tags: list[str]) -> str:
    return ", ".join(LANGUAGE_LABELS.get(tag.split("-")[0].lower(), tag) for tag in tags)


def _iso_day_words(text: str | None) -> str:
    return day_words(date.fromisoformat(text)) if text else ""


def _first_upper(text: str) -> str:
    """Upper-case the first letter only (Jinja's ``capitalize`` lower-cases names and months)."""
    return text[:1].upper() + text[1:] if text else text


def register(app: Flask) -> None:
    app.jinja_env.filters.update(
        credit_and_level=words.credit_and_level,
        credit_words=words.credit_words,
        level_words=words.level_words,
        mode_words=words.mode_words,
        language_words=_language_words,
        day_words=_iso_day_words,
        first_upper=_first_upper,
        safe_url=safe_url,
    )
    app.jinja_env.globals.update(next_start_words=words.next_start_words)
    app.register_blueprint(bp)

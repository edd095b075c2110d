"""Search, in the API and on the pages: query-string arguments in, our query model out, hits as JSON-ready cards.

The view parses, builds a ``SearchQuery``, calls the instance's search backend once and renders. A hit
carries everything its card shows, the credit, level and subjects as the course's record states them
included (the search document's ``card``), so a search needs nothing from the store and a card reads
the same as the course page.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import orjson
from flask import Response
from flask.views import MethodView

from ..catalogue import words
from ..search.facets import credit_range
from ..search.query import Filters, Hit, SearchQuery, SearchResult, Sort
from . import problems, schemas
from .access import public
from .context import instance

blp = problems.Blueprint("search", __name__, url_prefix="/api/v1", description="Search the catalogue")

SORTS = {"relevance": Sort.RELEVANCE, "start": Sort.SOONEST, "credit": Sort.CREDIT, "title": Sort.TITLE}


def search_query(args: Mapping[str, Any], today: date) -> SearchQuery:
    """Our query model from parsed ``SearchArgs`` (or ``SearchPageArgs``: a credit range by its facet value)."""
    credit_min, credit_max = args.get("credit_min"), args.get("credit_max")
    if args.get("credit") and credit_min is None and credit_max is None:
        credit_min, credit_max = credit_range(args["credit"])
    filters = Filters(
        provider=tuple(args.get("provider") or ()),
        subject=tuple(args.get("subject") or ()),
        eqf_level=tuple(args.get("eqf_level") or ()),
        mode=tuple(args.get("mode") or ()),
        schedule=tuple(args.get("schedule") or ()),
        language=tuple(code.lower() for code in args.get("language") or ()),
        psrb=tuple(args.get("psrb") or ()),
        credit_min=credit_min,
        credit_max=credit_max,
        starts_after=args.get("starts_after"),
        starts_before=args.get("starts_before"),
        cost_max=args.get("cost_max"),
        pathway=tuple(args.get("pathway") or ()),
        complete=bool(args.get("complete")),
    )
    return SearchQuery(
        text=args.get("q") or "",
        filters=filters,
        sort=SORTS[args.get("sort") or "relevance"],
        page=args.get("page", 1),
        per_page=args.get("per_page", 20),
        today=today,
    )


def day_words(day: date) -> str:
    """'11 January 2027'."""
    return f"{day.day} {day:%B %Y}"


def start_words(hit: Hit) -> str:
    """When a learner can start, in plain words."""
    if hit.schedule_type == "learner-led":
        return "start any time"
    if hit.schedule_type is None:
        return "start dates not published"
    if hit.next_start is None:
        return "no upcoming start date"
    return f"next start {day_words(hit.next_start)}"


def _credit(card: Mapping[str, Any]) -> dict[str, Any]:
    credit = dict(card.get("credit") or {})
    credit["words"] = words.credit_words(credit) if credit else "credit not published"
    return credit


def _level(card: Mapping[str, Any]) -> dict[str, Any]:
    level = dict(card.get("level") or {})
    level["words"] = words.level_words(level) if level.get("eqf") else None
    return level


def present_hit(hit: Hit) -> dict[str, Any]:
    """One result card as JSON-ready values (``schemas.SearchHitOut``)."""
    return {
        "id": hit.id,
        "course_id": hit.course_id,
        "title": hit.title,
        "url": hit.url,
        "provider": {"id": hit.provider_id, "name": hit.provider_name},
        "summary": hit.summary,
        "credit": _credit(hit.card),
        "level": _level(hit.card),
        "eqf_level": hit.eqf_level,
        "subjects": hit.card.get("subjects") or [],
        "mode": list(hit.modes),
        "schedule": {"type": hit.schedule_type, "next_start": hit.next_start, "words": start_words(hit)},
        "cost_gbp": hit.cost_gbp,
        "overlaps": hit.overlap_count,
        "score": hit.score,
        "highlights": {name: list(fragments) for name, fragments in hit.highlights.items()},
    }


def present_result(result: SearchResult, query: SearchQuery) -> dict[str, Any]:
    """The API's answer (``schemas.SearchResultOut``): the page of cards and the facet counts."""
    return {
        "total": result.total,
        "page": query.page,
        "per_page": query.per_page,
        "results": [present_hit(hit) for hit in result.hits],
        "facets": {
            facet: [{"value": v.value, "label": v.label, "count": v.count} for v in values]
            for facet, values in result.facets.items()
        },
    }


@blp.route("/search")
class Search(MethodView):
    @public
    @blp.arguments(schemas.SearchArgs(), location="query")
    @blp.response(200, schemas.SearchResultOut)
    def get(self, args):
        """Active courses matching words and filters, with facet counts.

        Within one filter the values are alternatives (provider=A&provider=B: either); different filters
        must all hold. Each facet's counts ignore that facet's own filter.
        """
        query = search_query(args, instance().clock.today())
        body = present_result(instance().search.search(query), query)
        # SearchResultOut documents the answer; serialising through it would cost more than the search
        # itself, so the already-plain values go straight to JSON.
        return Response(orjson.dumps(body), mimetype="application/json")

"""Search, in the API and on the pages: query-string arguments in, our query model out; the hits are
presented by ``schemas.present_search_result`` (the cards: ``schemas.present_hit``).

The view parses, builds a ``SearchQuery``, calls the instance's search backend once and renders. A hit
carries everything its card shows, the credit, level and subjects as the course's record states them
included (the search document's ``card``), so a search needs nothing from the store and a card reads
the same as the course page.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from flask.views import MethodView

from ..search.facets import credit_range
from ..search.query import Filters, SearchQuery, Sort
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
        return schemas.present_search_result(instance().search.search(query), query)

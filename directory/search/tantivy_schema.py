"""The tantivy index's schema, and the values it indexes for one search document.

Free text is indexed twice: the title and the learning outcomes in fields of their own (they rank above
the rest), and every text field in the catch-all ``all_text``. Facets are counted on single-valued fast
columns: the provider, the set of CAH groups (levels 1 and 2), and ``facet_combo``, which holds the
level, schedule, credit bucket, modes and languages in one value (see ``tantivy_queries.FacetRequest``).
Sort keys hold the sort value then the id, so tantivy's one-field sort is already tie-broken.
"""

from __future__ import annotations

from typing import Any

import orjson
import tantivy

from .backend import Document
from .facet_table import FACET, Facet, provider_facet_key
from .text import ANALYZER_NAME

# Bump when the schema below changes. Each build of the index lives in a folder of its own named for the
# version (``<version>-<build id>``, see ``tantivy_backend``); an index of another version keeps serving
# until its replacement is built (the scheduler's and the demo's start, or ``reindex``).
SCHEMA_VERSION = "6"  # 6: complete (the full minimum information set)
VERSION_FILE = "cf-schema-version"  # the version of an index kept at the root (before versioned folders)
LOCK_FILE = ".cf-writer.lock"
REBUILD_LOCK_FILE = ".cf-rebuild.lock"
POINTER_FILE = "CURRENT"  # the live build's folder name, replaced atomically by a rebuild's swap

# Free text is indexed twice: the title and the learning outcomes on their own (they rank above the
# rest), and every text field in the catch-all ``all_text``, which matches every word and phrase and
# scores the words of the other fields (summary, aims, skills, subject and provider names).
CATCH_ALL = "all_text"
TEXT_FIELDS: tuple[tuple[str, float], ...] = (
    ("title", 3.0),
    ("learning_outcomes", 2.0),
    (CATCH_ALL, 1.0),
)
KEYWORD_FIELDS = (
    "provider_id", "subject_codes", "framework_level", "modes", "schedule_type", "languages", "psrb_bodies",
    "pathways",
)
# The combination column's parts, by facet (``facet_table``), in order, joined by COMBO_SEP; the facets of
# many values are counted on a column of their own. A set of values (modes, CAH groups) is joined by SET_SEP.
COMBO = "facet_combo"
COMBO_PARTS = ("eqf_level", "schedule", "credit", "mode", "language")
FACET_COLUMNS = {
    "provider": "provider_facet",
    "subject": "subject_cah1_set",
    "subject_cah2": "subject_cah2_set",
    **{name: COMBO for name in COMBO_PARTS},
}
COMBO_SEP = "\x1d"
SET_SEP = "\x1e"
# Set columns: the document field each is made of.
SET_SOURCES = {
    "subject_cah1_set": "subject_cah1",
    "subject_cah2_set": "subject_cah2",
}
# Filters no facet controls that match one keyword field (``facet_table`` names the facets' fields).
KEYWORD_FILTERS = {
    "framework_level": "framework_level",
    "pathway": "pathways",
}
FUZZY_WEIGHT = 0.5  # a typo'd match scores below the exact word
PHRASE_WEIGHT = 1.0
PHRASE_TITLE_BOOST = 2.0
DISMAX_TIE = 0.3
TERMS_SIZE = 60000
# Every field ``build_schema`` adds: an index whose schema lacks one is searched the simple way
# (``TantivyBackend._degraded_search``) until its replacement is built.
FIELD_NAMES = frozenset({
    "id", "source", "title", "learning_outcomes", CATCH_ALL, *KEYWORD_FIELDS, "provider_facet", *SET_SOURCES,
    "facet_combo", "title_key", "credit_key", "eqf_level", "starts", "credit_cats", "cost_gbp", "has_psrb",
    "complete",
})


def build_schema() -> tantivy.Schema:
    sb = tantivy.SchemaBuilder()
    sb.add_text_field("id", stored=True, fast=True, tokenizer_name="raw")
    sb.add_bytes_field("source", stored=True)
    # Phrases match on the catch-all; the title keeps positions too, for its phrase bonus.
    sb.add_text_field("title", tokenizer_name=ANALYZER_NAME, index_option="position")
    sb.add_text_field("learning_outcomes", tokenizer_name=ANALYZER_NAME, index_option="freq")
    sb.add_text_field(CATCH_ALL, tokenizer_name=ANALYZER_NAME, index_option="position")
    for name in KEYWORD_FIELDS:
        sb.add_text_field(name, tokenizer_name="raw")
    for name in ("provider_facet", *SET_SOURCES, "facet_combo"):
        sb.add_text_field(name, fast=True, tokenizer_name="raw", index_option="basic")
    # Sort keys: the primary value then the id, so tantivy's one-field sort is already tie-broken.
    sb.add_text_field("title_key", fast=True, tokenizer_name="raw", index_option="basic")
    sb.add_text_field("credit_key", fast=True, tokenizer_name="raw", index_option="basic")
    sb.add_integer_field("eqf_level", indexed=True)  # counted through facet_combo
    sb.add_integer_field("starts", indexed=True, fast=True)
    sb.add_float_field("credit_cats", indexed=True, fast=True)
    sb.add_float_field("cost_gbp", indexed=True)
    sb.add_boolean_field("has_psrb", indexed=True)
    sb.add_boolean_field("complete", indexed=True)
    return sb.build()


def credit_key(document: Document) -> str:
    credit = document.get("credit_cats")
    # Fixed-width digits sort as numbers; "~" sorts after every digit, so no credit comes last.
    prefix = "~" if credit is None else f"{credit:013.3f}"
    return f"{prefix}\x00{document['id']}"


def facet_combo(document: Document) -> str:
    """The document's values of the COMBO_PARTS facets (level, schedule, credit bucket, modes, languages)
    as one value."""
    return COMBO_SEP.join(_combo_part(FACET[name], document) for name in COMBO_PARTS)


def _combo_part(facet: Facet, document: Document) -> str:
    """A facet's part: its bucket, or its values (sorted, as keys), "" for none."""
    raw = document.get(facet.counts)
    if facet.buckets:
        return facet.bucket_of(raw)
    values = raw if isinstance(raw, list | tuple) else [] if raw is None else [raw]
    return SET_SEP.join(sorted(facet.key(value) for value in values))


def tantivy_fields(document: Document) -> dict[str, Any]:
    """The values tantivy indexes for one search document."""
    get = document.get
    outcomes = get("learning_outcomes") or []
    skills = get("skills") or []
    subject_names = get("subject_names") or []
    summary = get("summary") or ""
    aims = get("aims") or ""
    provider_name = get("provider_name") or ""
    fields: dict[str, Any] = {
        "id": document["id"],
        "source": orjson.dumps(document),
        "title": document["title"],
        "learning_outcomes": outcomes,
        CATCH_ALL: [
            text for text in (document["title"], *outcomes, summary, aims, *skills, *subject_names, provider_name)
            if text
        ],
        "provider_facet": provider_facet_key(document["provider_id"], provider_name),
        "title_key": f"{document['title_sort']}\x00{document['id']}",
        "credit_key": credit_key(document),
        "has_psrb": bool(get("psrb_bodies")),
        "complete": bool(get("complete")),
        "facet_combo": facet_combo(document),
    }
    starts = get("starts")
    if starts:
        fields["starts"] = [int(s.replace("-", "")) for s in starts]
    for name in KEYWORD_FIELDS:
        value = get(name)
        if value is not None and value != []:
            fields[name] = value
    for column, source in SET_SOURCES.items():
        values = get(source)
        if values:
            fields[column] = SET_SEP.join(sorted(values))
    if get("eqf_level") is not None:
        fields["eqf_level"] = int(document["eqf_level"])
    if get("credit_cats") is not None:
        fields["credit_cats"] = float(document["credit_cats"])
    if get("cost_gbp") is not None:
        fields["cost_gbp"] = float(document["cost_gbp"])
    return fields

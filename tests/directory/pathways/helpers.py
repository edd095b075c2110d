"""A small consortium built through the real pipeline: two members, one pathway with options at both."""

from __future__ import annotations

import json

from harvester import pipeline, registry
from harvester.environment import harvest_environment
from tests.factories import course, feed_bytes

A, B = "10000001", "10000002"
NAMES = {A: "University of Aldport", B: "Bexley University"}


def pathway(pathway_id="pg-ds", **rules):
    base = {
        "min_credit_at_level": {"level": 7, "credit": 40},
        "core": ["DS1", "DS2"],
        "option_groups": [{"min_credit": 15, "courses": [f"{A}/OPT1", f"{B}/BX1", f"{B}/BX2"]}],
        "max_external_share": 0.5,
        "capstone": "CAP",
        "max_span_years": 5,
    }
    base.update(rules)
    return {"id": pathway_id, "title": "PgCert Applied Data Science", "level": {"framework": "FHEQ", "value": 7},
            "total_credit": {"value": 60, "scheme": "CATS"}, "rules": base,
            "description": "Three core courses and one option."}


def aldport_courses():
    return [course("DS1", title="Foundations of data science"), course("DS2", title="Statistics for data science"),
            course("CAP", title="Data science capstone project"), course("OPT1", title="Data visualisation"),
            course("OTHER", title="Leading teams")]


def bexley_courses():
    return [course("BX1", title="Machine learning in practice",
                   schedule={"type": "learner-led"}, cost={"amount": "0.00", "currency": "GBP"}),
            course("BX2", title="Data ethics", level={"framework": "FHEQ", "value": 6})]


def publish(instance, provider_id, courses, pathways=None):
    with instance.sessions.begin() as session:
        if provider_id not in {f.id for f in registry.list_feeds(session)}:
            registry.add_feed(session, registry.FeedSpec(provider_id, NAMES[provider_id], None), allow_private=False)
    extra = {"pathways": pathways} if pathways is not None else {}
    body = feed_bytes(courses, provider_id=provider_id, provider={
        "id": provider_id, "id_scheme": "UKPRN", "name": NAMES[provider_id], "country": "GB",
        "url": "https://www.example.ac.uk/"}, **extra)
    return pipeline.ingest(harvest_environment(instance), provider_id, body)


def build(instance, pathways=None):
    publish(instance, B, bexley_courses())
    run = publish(instance, A, aldport_courses(), [pathway()] if pathways is None else pathways)
    return run


def dumps(value) -> str:
    return json.dumps(value)

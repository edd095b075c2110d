"""Pathways published in a member's feed, through the real pipeline, store and index."""

from __future__ import annotations

from sqlalchemy import select

from directory.pathways import service
from directory.pathways.models import Pathway, PathwayStatus
from directory.search.query import Filters, SearchQuery
from harvester.models import QuarantineEntry, RunOutcome
from tests.clock import TODAY
from tests.directory.pathways.helpers import A, B, aldport_courses, build, pathway, publish


def in_pathway(instance, pathway_id):
    result = instance.search.search(SearchQuery(filters=Filters(pathway=(pathway_id,)), per_page=100, today=TODAY))
    return sorted(hit.id for hit in result.hits)


def stored(instance, pathway_id):
    with instance.readers() as session:
        return session.get(Pathway, pathway_id)


def test_a_feed_pathway_is_stored_with_canonical_course_keys(instance):
    run = build(instance)
    assert run.outcome is RunOutcome.SUCCEEDED and run.quarantined == 0
    p = stored(instance, "pg-ds")
    assert p.status is PathwayStatus.ACTIVE and p.awarding_provider_id == A
    assert p.content["rules"]["core"] == [f"{A}/DS1", f"{A}/DS2"]
    assert p.content["rules"]["capstone"] == f"{A}/CAP"


def test_courses_a_pathway_names_are_searchable_by_it_across_members(instance):
    build(instance)
    assert in_pathway(instance, "pg-ds") == sorted(
        [f"{A}/CAP", f"{A}/DS1", f"{A}/DS2", f"{A}/OPT1", f"{B}/BX1", f"{B}/BX2"])


def test_a_bad_pathway_is_quarantined_with_field_and_reason_and_the_feed_goes_on(instance):
    bad = pathway("broken", option_groups=[{"min_credit": 0, "courses": ["X"]}])
    run = build(instance, [pathway(), bad])
    assert run.outcome is RunOutcome.SUCCEEDED and (run.quarantined, run.pathways_quarantined) == (0, 1)
    with instance.readers() as session:
        entry = session.scalar(select(QuarantineEntry).where(QuarantineEntry.run_id == run.id))
    assert entry.record_id == "pathway:broken"
    assert entry.field == "pathways[1].rules.option_groups[0].min_credit"
    assert "greater than 0" in entry.reason
    assert stored(instance, "pg-ds") is not None and stored(instance, "broken") is None


def test_a_pathway_missing_from_a_later_feed_is_withdrawn_and_leaves_the_index(instance):
    build(instance)
    run = publish(instance, A, aldport_courses(), [])
    assert run.outcome is RunOutcome.SUCCEEDED
    assert stored(instance, "pg-ds").status is PathwayStatus.WITHDRAWN
    assert in_pathway(instance, "pg-ds") == []


def test_a_pathway_that_became_invalid_keeps_its_last_good_version(instance):
    build(instance)
    broken = pathway(core="not a list")
    run = publish(instance, A, [*aldport_courses(), ], [broken])
    assert run.pathways_quarantined == 1
    assert stored(instance, "pg-ds").status is PathwayStatus.ACTIVE


def test_a_changed_pathway_reindexes_the_courses_it_no_longer_names(instance):
    build(instance)
    publish(instance, A, aldport_courses(), [pathway(option_groups=[{"min_credit": 15, "courses": ["OPT1"]}])])
    assert f"{B}/BX1" not in in_pathway(instance, "pg-ds")
    assert f"{A}/OPT1" in in_pathway(instance, "pg-ds")


def test_a_member_cannot_take_another_members_pathway_id(instance):
    build(instance)
    run = publish(instance, B, [], [pathway()])
    assert run.pathways_quarantined == 1
    assert stored(instance, "pg-ds").awarding_provider_id == A


def test_the_course_page_annotation_names_role_pathway_and_awarding_member(instance):
    build(instance)
    with instance.readers() as session:
        notes = service.annotations(session, B, "BX1")
    assert [n.words for n in notes] == ["Option course in PgCert Applied Data Science, awarded by University of Aldport"]


def test_the_demo_feed_pathways_are_valid(instance):
    import json
    from pathlib import Path

    from directory.pathways.schema import PathwaySchema

    document = json.loads((Path(__file__).resolve().parents[3] / "config/demo/feeds/wychbury.json").read_text())
    for raw in document["pathways"]:
        assert PathwaySchema(document["provider"]["id"]).load(raw)["id"] == raw["id"]


def test_the_json_schema_accepts_the_demo_pathways_and_refuses_a_bad_one():
    import json
    from pathlib import Path

    import jsonschema

    root = Path(__file__).resolve().parents[3]
    schema = json.loads((root / "docs/feed-format.schema.json").read_text())
    document = json.loads((root / "config/demo/feeds/wychbury.json").read_text())
    jsonschema.validate(document, schema)
    document["pathways"][0]["rules"]["max_span_years"] = 0
    import pytest

    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(document, schema)

"""Overlap services on a real database, over a catalogue built by the real harvest pipeline (whose
after-commit hook keeps overlaps current)."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from directory.catalogue import service as catalogue
from directory.errors import Conflict, Forbidden
from directory.identity.identity import Identity, Role
from directory.overlaps import decisions
from directory.overlaps import service as overlaps
from directory.overlaps.models import Overlap, OverlapBand, OverlapStatus, OverlapTerm
from harvester import pipeline, registry
from harvester.environment import harvest_environment
from tests.factories import course, feed_bytes

A, B = "10000001", "10000002"
ADMIN = Identity(user_id=1, role=Role.ADMIN)

GROUP_ACCOUNTS = dict(
    title="Consolidated financial statements",
    summary="Group accounts under IFRS for finance professionals.",
    learning_outcomes=[
        "Prepare consolidated financial statements for a parent and its subsidiaries",
        "Account for goodwill and non-controlling interests on acquisition",
        "Explain the treatment of associates and joint ventures under the equity method",
        "Apply IFRS 10 to intra-group transactions and unrealised profit",
    ],
    subjects=[{"scheme": "HECoS", "code": "100105"}],
    level={"framework": "FHEQ", "value": 6},
)
REWRITTEN = dict(
    title="Group accounts and consolidation",
    summary="Consolidation of group accounts under IFRS.",
    learning_outcomes=[
        "Eliminate intra-group transactions and unrealized profits in line with IFRS 10",
        "Produce the consolidated financial statements of a parent company and subsidiaries",
        "Use the equity method to account for associates and joint ventures",
        "Measure goodwill and non-controlling interest arising on an acquisition",
    ],
    subjects=[{"scheme": "HECoS", "code": "100105"}],
    level={"framework": "SCQF", "value": 9},  # EQF 6, as FHEQ 6
)
WOUND_CARE = dict(
    title="Wound care",
    summary="Assessing and dressing wounds in community settings.",
    learning_outcomes=[
        "Assess acute and chronic wounds using a structured wound assessment tool",
        "Select dressings appropriate to wound bed, exudate and infection",
        "Recognise signs of wound infection and escalate care",
    ],
    subjects=[{"scheme": "HECoS", "code": "100290"}],
    level={"framework": "FHEQ", "value": 6},
)
MARKET_RESEARCH = dict(
    title="Market research",
    summary="Designing surveys and focus groups for consumer insight.",
    learning_outcomes=[
        "Design questionnaires and sampling plans for consumer surveys",
        "Moderate focus groups and code qualitative responses",
        "Present market research findings to brand managers",
    ],
    subjects=[{"scheme": "HECoS", "code": "100075"}],
    level={"framework": "FHEQ", "value": 6},
)


def publish(instance, provider_id, courses, name="University"):
    with instance.sessions.begin() as session:
        if provider_id not in {f.id for f in registry.list_feeds(session)}:
            registry.add_feed(session, registry.FeedSpec(provider_id, name, None), allow_private=False)
    run = pipeline.ingest(harvest_environment(instance), provider_id, feed_bytes(courses, provider_id=provider_id))
    assert run.outcome.value == "succeeded", run.errors
    instance.refresh_overlaps()  # what the scheduler (or the harvest command) does after harvests
    return run


def listed(instance, provider_id, course_id, **kwargs):
    with instance.readers() as session:
        return overlaps.overlaps_of(session, provider_id, course_id, **kwargs)


def the_overlap(instance) -> Overlap:
    with instance.readers() as session:
        return session.scalars(select(Overlap)).one()


@pytest.fixture
def catalogue_with_a_pair(instance):
    publish(instance, A, [course("GA", **GROUP_ACCOUNTS), course("WC", **WOUND_CARE)])
    publish(instance, B, [course("GRP", **REWRITTEN), course("MR", **MARKET_RESEARCH)], name="Second University")
    return instance


def test_a_harvest_flags_the_rewritten_course_of_another_member(catalogue_with_a_pair):
    page = listed(catalogue_with_a_pair, A, "GA")
    assert page.total == 1
    [item] = page.results
    assert item.other.key == f"{B}/GRP" and item.status is OverlapStatus.DETECTED
    assert item.reasons[0]["outcome"] in GROUP_ACCOUNTS["learning_outcomes"]
    assert item.reasons[0]["other_outcome"] in REWRITTEN["learning_outcomes"]
    # Seen from the other side, the reasons read from that side.
    [back] = listed(catalogue_with_a_pair, B, "GRP").results
    assert back.reasons[0]["outcome"] == item.reasons[0]["other_outcome"]
    assert listed(catalogue_with_a_pair, A, "WC").total == 0


def test_overlaps_within_one_member_are_flagged_too(instance):
    publish(instance, A, [course("GA", **GROUP_ACCOUNTS), course("GA2", **REWRITTEN)])
    assert [i.other.key for i in listed(instance, A, "GA").results] == [f"{A}/GA2"]


def test_a_dismissed_pair_is_not_flagged_again_while_both_courses_are_unchanged(catalogue_with_a_pair):
    instance = catalogue_with_a_pair
    with instance.sessions.begin() as session:
        decisions.dismiss(session, ADMIN, the_overlap(instance).id)
    assert listed(instance, A, "GA").total == 0
    assert listed(instance, A, "GA", include_dismissed=True).results[0].status is OverlapStatus.DISMISSED
    # Another course of B changes: the pair is recomputed neither way; a full recomputation keeps it too.
    publish(instance, B, [course("GRP", **REWRITTEN), course("MR", **{**MARKET_RESEARCH, "title": "Market research 2"})])
    with instance.sessions.begin() as session:
        overlaps.recompute_for(session, [(A, "GA"), (B, "GRP")])
        overlaps.recompute_all(session)
    assert the_overlap(instance).status is OverlapStatus.DISMISSED


def test_a_dismissed_pair_is_flagged_again_when_one_course_changes(catalogue_with_a_pair):
    instance = catalogue_with_a_pair
    with instance.sessions.begin() as session:
        decisions.dismiss(session, ADMIN, the_overlap(instance).id)
    changed = {**REWRITTEN, "summary": "Consolidation of group accounts under IFRS, now with IFRS 18."}
    publish(instance, B, [course("GRP", **changed), course("MR", **MARKET_RESEARCH)])
    overlap = the_overlap(instance)
    assert overlap.status is OverlapStatus.DETECTED and overlap.decided_by is None
    assert listed(instance, A, "GA").total == 1


def test_a_course_rewritten_away_from_the_other_loses_its_overlap_incrementally(catalogue_with_a_pair):
    instance = catalogue_with_a_pair
    with instance.readers() as session:
        bands_before = session.scalar(select(func.count()).select_from(OverlapBand))
    publish(instance, B, [course("GRP", **{**MARKET_RESEARCH, "title": "Consumer research"}),
                          course("MR", **MARKET_RESEARCH)])
    assert listed(instance, A, "GA").total == 0
    # The changed course now overlaps its sibling instead; band rows were replaced, not added to.
    assert [i.other.key for i in listed(instance, B, "GRP").results] == [f"{B}/MR"]
    with instance.readers() as session:
        assert session.scalar(select(func.count()).select_from(OverlapBand)) == bands_before


def test_a_withdrawn_course_leaves_the_list_and_its_undecided_pairs_go(catalogue_with_a_pair):
    instance = catalogue_with_a_pair
    publish(instance, B, [course("MR", **MARKET_RESEARCH)])  # GRP withdrawn
    assert listed(instance, A, "GA").total == 0 and listed(instance, B, "GRP").total == 0
    with instance.readers() as session:
        assert session.scalar(select(func.count()).select_from(Overlap)) == 0


def test_confirmed_pairs_survive_withdrawal_for_the_exchange(catalogue_with_a_pair):
    instance = catalogue_with_a_pair
    with instance.sessions.begin() as session:
        overlap = decisions.confirm(session, ADMIN, the_overlap(instance).id)
        pair = (overlap.course_a_pk, overlap.course_b_pk)
    publish(instance, B, [course("MR", **MARKET_RESEARCH)])
    assert listed(instance, A, "GA").total == 0
    with instance.readers() as session:
        assert overlaps.confirmed_pairs(session, [*pair, 999]) == {pair}
        assert overlaps.confirmed_pairs(session, [pair[0]]) == set()
        assert the_overlap(instance).decided_by == "user:1"


def test_staff_of_either_provider_may_decide_others_may_not(catalogue_with_a_pair):
    instance = catalogue_with_a_pair
    overlap_id = the_overlap(instance).id
    outsider = Identity(user_id=7, org_id="10000009", role=Role.STAFF)
    with instance.sessions.begin() as session, pytest.raises(Forbidden):
        decisions.confirm(session, outsider, overlap_id)
    with instance.sessions.begin() as session:
        decisions.confirm(session, Identity(user_id=8, org_id=B, role=Role.STAFF), overlap_id)
    with instance.sessions.begin() as session, pytest.raises(Conflict):
        decisions.confirm(session, ADMIN, overlap_id)


def test_full_recomputation_finds_what_the_harvests_found(catalogue_with_a_pair):
    instance = catalogue_with_a_pair
    with instance.sessions.begin() as session:
        before = {(o.course_a_pk, o.course_b_pk, o.score) for o in session.scalars(select(Overlap))}
        session.execute(Overlap.__table__.delete())
        session.execute(OverlapBand.__table__.delete())
        result = overlaps.recompute_all(session)
    with instance.readers() as session:
        after = {(o.course_a_pk, o.course_b_pk, o.score) for o in session.scalars(select(Overlap))}
        assert session.scalar(select(func.count()).select_from(OverlapBand)) > 0
    assert after == before and result.detected == 1 and result.courses == 4


def test_an_unknown_course_is_not_found(instance):
    with instance.readers() as session, pytest.raises(catalogue.NotFound):
        overlaps.overlaps_of(session, A, "NOPE")


def test_overlap_counts_for_the_search_index(catalogue_with_a_pair):
    instance = catalogue_with_a_pair
    overlap = the_overlap(instance)
    with instance.readers() as session:
        counts = overlaps.overlap_counts(session, [overlap.course_a_pk, overlap.course_b_pk, 999])
    assert counts == {overlap.course_a_pk: 1, overlap.course_b_pk: 1, 999: 0}


def test_a_small_commit_computes_its_overlaps_and_indexes_each_course_once(instance):
    """Overlaps come with the commit (directory.indexing.index_commit): nothing is left stale, and the
    courses are searchable with their overlap counts without a second pass."""
    from directory.overlaps.service import stale

    pipeline.ingest(harvest_environment(instance), *_registered(instance, A),
                    feed_bytes([course("S1"), course("S2")], provider_id=A))
    with instance.readers() as session:
        assert stale(session) == []
    assert instance.refresh_overlaps() == 0


def test_overlaps_follow_harvests_through_the_stale_list(instance, monkeypatch):
    """A commit larger than ``INLINE_OVERLAPS`` (a first harvest) leaves its overlaps to the deferred pass."""
    from directory import indexing
    from directory.overlaps.service import stale

    monkeypatch.setattr(indexing, "INLINE_OVERLAPS", 0)
    pipeline.ingest(harvest_environment(instance), *_registered(instance, A),
                    feed_bytes([course("S1"), course("S2")], provider_id=A))
    with instance.readers() as session:
        assert sorted(stale(session)) == [(A, "S1"), (A, "S2")]
    assert instance.refresh_overlaps() == 2
    with instance.readers() as session:
        assert stale(session) == []
    pipeline.ingest(harvest_environment(instance), A, feed_bytes([course("S1", title="Changed")], provider_id=A))
    with instance.readers() as session:
        assert sorted(stale(session)) == [(A, "S1"), (A, "S2")]  # S1 changed, S2 withdrawn
    assert instance.refresh_overlaps() == 2
    with instance.readers() as session:
        assert stale(session) == []


def _registered(instance, provider_id):
    with instance.sessions.begin() as session:
        registry.add_feed(session, registry.FeedSpec(provider_id, "University", None), allow_private=False)
    return (provider_id,)


def test_a_full_overlap_pass_during_a_rebuild_goes_through_the_rebuild_journal(instance, monkeypatch):
    """A first harvest's full pass would rebuild the index; with another rebuild running it writes every
    course through the index instead, journaled for that rebuild to replay before it swaps."""
    from datetime import UTC, datetime

    from directory import indexing
    from directory.indexing import refresh_overlaps as refresh_stale
    from directory.search import journal

    monkeypatch.setattr(indexing, "INLINE_OVERLAPS", 0)

    pipeline.ingest(harvest_environment(instance), *_registered(instance, A),
                    feed_bytes([course("S1"), course("S2")], provider_id=A))
    running = journal.claim(instance.engine, datetime.now(UTC))
    try:
        assert refresh_stale(instance.sessions, instance.readers, instance.search, batch=1) == 2
        journaled = [key for _, key in journal.pending(instance.engine, running, 100)]
    finally:
        journal.release(instance.engine, running)
    assert sorted(journaled) == [(A, "S1"), (A, "S2")]


def stored_counts(instance):
    with instance.readers() as session:
        return {(scope, term): n for scope, term, n in session.execute(
            select(OverlapTerm.scope, OverlapTerm.term, OverlapTerm.courses))}


def test_word_counts_follow_changes_as_a_full_recomputation_counts_them(catalogue_with_a_pair):
    """The incremental path weighs words with counts moved by each change; they must be the counts a full
    pass would make, or the two paths would judge the same pair differently."""
    instance = catalogue_with_a_pair
    publish(instance, A, [course("GA", **{**GROUP_ACCOUNTS, "summary": "Now with IFRS 3 business combinations."}),
                          course("WC", **WOUND_CARE, status="withdrawn")])
    publish(instance, B, [course("GRP", **REWRITTEN), course("MR", **MARKET_RESEARCH),
                          course("BR", **{**MARKET_RESEARCH, "title": "Brand research"})])
    moved = stored_counts(instance)
    assert moved[("", "")] == 4 and moved[(A, "")] == 1 and moved[(B, "")] == 3
    assert moved[("", "ifr")] == 2 and moved[(B, "brand")] == 2  # MR names brand managers
    assert (A, "wound") not in moved  # the withdrawn course is counted out
    with instance.sessions.begin() as session:
        overlaps.recompute_all(session)
    assert stored_counts(instance) == moved

"""Exchange benchmark: the pre-assessment of a request and the staff queue on a consortium-sized store.

    .venv/bin/python benchmarks/exchange.py                     # embedded SQLite in a temporary folder
    .venv/bin/python benchmarks/exchange.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/bench

Generates (sizes as flags) 150 members with courses and awards, 2,000 agreements (bilateral and a few
consortium-wide, every party approved), 100,000 ledger entries over 10,000 learners and 10,000 open
requests to one member; then prints the p50/p95/max of

* a pre-assessment of a 5-achievement request, including loading the request, the target award, the
  agreements that could cover it, the learner's ledger and the confirmed overlaps (target: p95 < 10 ms);
* the staff queue (first page, soonest due first, overdue marked) with 10,000 open requests (< 100 ms).

A PostgreSQL database given with --database-url is emptied first (DROP SCHEMA public CASCADE).
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, select, text  # noqa: E402

from climbing_frame.migrate import upgrade  # noqa: E402
from directory.catalogue.models import Course, CourseStatus, CourseVersion, Provider  # noqa: E402
from directory.db import make_engine, make_sessionmaker  # noqa: E402
from directory.identity.identity import Identity, Permission, Role  # noqa: E402
from exchange.agreements import terms  # noqa: E402
from exchange.agreements.lifecycle import AgreementState  # noqa: E402
from exchange.agreements.models import Agreement, AgreementParty, AgreementVersion, Approval  # noqa: E402
from exchange.agreements.rules import Purpose  # noqa: E402
from exchange.awards import Award  # noqa: E402
from exchange.ledger import LedgerEntry  # noqa: E402
from exchange.requests import preassessment  # noqa: E402
from exchange.requests import service as requests  # noqa: E402
from exchange.requests.models import RequestAchievement, TransferRequest  # noqa: E402
from exchange.requests.workflow import RequestState  # noqa: E402
from exchange.timeliness import due_date  # noqa: E402

NOW = datetime(2026, 11, 2, 9, tzinfo=UTC)
TODAY = NOW.date()
CAH = ["CAH11-01", "CAH17-01", "CAH02-04", "CAH15-04", "CAH19-01", "CAH07-04"]


def org(n: int) -> str:
    return f"{10000000 + n}"


def chunks(rows, size=5000):
    for start in range(0, len(rows), size):
        yield rows[start:start + size]


def generate(engine, args, rng: random.Random) -> None:
    sessions = make_sessionmaker(engine)
    with sessions.begin() as s:
        s.execute(insert(Provider), [{"id": org(m), "name": f"University {m}", "created": NOW, "updated": NOW}
                                     for m in range(args.members)])
        courses = [{"provider_id": org(m), "course_id": f"C{c}", "status": CourseStatus.ACTIVE,
                    "title": f"Course {m}-{c}", "source_hash": "x" * 64, "first_seen": NOW, "updated": NOW}
                   for m in range(args.members) for c in range(args.courses)]
        for part in chunks(courses):
            s.execute(insert(Course), part)
        pks = s.execute(select(Course.pk, Course.provider_id, Course.course_id)).all()
        versions = []
        for pk, provider, course_id in pks:
            cah = rng.choice(CAH)
            record = {"id": course_id, "title": f"Course {provider}-{course_id}",
                      "credit": {"value": 15, "scheme": "CATS", "cats": 15, "ects": 7.5},
                      "level": {"framework": "FHEQ", "value": 7, "eqf": rng.choice([6, 7, 7, 7])},
                      "subjects": [{"scheme": "HECoS", "code": "100366", "cah1": cah[:5], "cah2": cah,
                                    "cah3": cah + "-01"}]}
            versions.append({"course_pk": pk, "content_hash": f"{pk:064d}", "content": record,
                             "completeness": 1.0, "missing": [], "first_seen": NOW, "last_seen": NOW})
        for part in chunks(versions):
            s.execute(insert(CourseVersion), part)
        s.execute(text("UPDATE courses SET current_version_id = (SELECT max(id) FROM course_versions v "
                       "WHERE v.course_pk = courses.pk)"))
        s.execute(insert(Award), [{"org_id": org(m), "code": f"AW{a}", "title": f"Award {a}",
                                   "total_credit": Decimal(180), "level": 7, "updated": NOW}
                                  for m in range(args.members) for a in range(3)])

        for n in range(args.agreements):
            wide = n < args.consortium_wide
            parties = ([org(m) for m in range(args.members)] if wide
                       else [org(m) for m in rng.sample(range(args.members), 2)])
            content = terms.AgreementContent(
                title=f"Agreement {n}", kind=terms.AgreementKind.CONSORTIUM_PATHWAY if wide
                else terms.AgreementKind.MUTUAL_RECOGNITION,
                parties=tuple(parties),
                scope=terms.Scope(cah_groups=tuple(rng.sample(CAH, 2)), eqf_levels=(7,)),
                terms=terms.Terms(max_credit_per_learner=Decimal(60), max_share_of_award=Fraction(1, 3),
                                  shelf_life_years=rng.choice([None, 5])),
                valid_from=date(2025, 1, 1), valid_until=date(2029, 12, 31))
            hashed = terms.terms_hash(content)
            agreement = Agreement(state=AgreementState.ACTIVE, approved_hash=hashed, created=NOW, updated=NOW,
                                  created_by="bench")
            s.add(agreement)
            s.flush()
            version_id = s.execute(insert(AgreementVersion).returning(AgreementVersion.id), [{
                "agreement_id": agreement.id, "number": 1, "content": terms.to_dict(content),
                "terms_hash": hashed, "kind": content.kind.value, "valid_from": content.valid_from,
                "valid_until": content.valid_until, "created": NOW, "created_by": "bench"}]).scalar_one()
            agreement.current_version_id = version_id
            s.execute(insert(AgreementParty), [{"version_id": version_id, "org_id": p} for p in content.parties])
            s.execute(insert(Approval), [{"version_id": version_id, "org_id": p, "terms_hash": hashed,
                                          "approved_by": "bench", "approved_at": NOW} for p in content.parties])
        s.flush()

        learners = args.ledger // 10
        entries = []
        for n in range(args.ledger):
            m = rng.randrange(args.members)
            entries.append({
                "learner_id": 1 + n % learners, "target_org": org(rng.randrange(args.members)),
                "award_code": f"AW{rng.randrange(3)}", "purpose": "advanced_standing", "credits": Decimal(15),
                "achievement_ref": f"course:{org(m)}/C{rng.randrange(args.courses)}", "course_pk": None,
                "created": NOW, "created_by": "bench"})
        for part in chunks(entries):
            s.execute(insert(LedgerEntry), part)

        target = org(0)
        open_requests = []
        for n in range(args.open_requests):
            submitted = TODAY - timedelta(days=rng.randrange(40))
            open_requests.append({
                "learner_id": 1 + n % learners, "body_hash": f"{n:064d}", "target_org": target,
                "award_code": "AW0", "purpose": Purpose.ADVANCED_STANDING,
                "state": rng.choice([RequestState.PRE_ASSESSED, RequestState.PRE_ASSESSED, RequestState.APPEALED]),
                "version": 2, "request_date": submitted, "submitted_at": NOW, "due_on": due_date(submitted, 10)})
        for part in chunks(open_requests):
            s.execute(insert(TransferRequest), part)


def bench_request(engine, args, rng: random.Random) -> list[int]:
    """Requests with five directory achievements each, by learners who already have ledger entries."""
    sessions = make_sessionmaker(engine)
    ids = []
    with sessions.begin() as s:
        versions = s.execute(select(CourseVersion.id, Course.pk, Course.provider_id, Course.course_id,
                                    CourseVersion.content).join(Course, Course.pk == CourseVersion.course_pk)
                             .where(Course.provider_id != org(0))).all()
        for n in range(args.samples):
            request = TransferRequest(
                learner_id=1 + n, body_hash="b" * 64, target_org=org(0), award_code="AW1",
                purpose=Purpose.ADVANCED_STANDING, state=RequestState.SUBMITTED, version=1, request_date=TODAY,
                submitted_at=NOW, due_on=due_date(TODAY, 10))
            for position, (vid, pk, provider, course_id, content) in enumerate(rng.sample(versions, 5), 1):
                request.achievements.append(RequestAchievement(
                    position=position, course_version_id=vid, content_hash=f"{pk:064d}", course_pk=pk,
                    provider_id=provider, course_id=course_id, title=content["title"], credit=Decimal(15),
                    level=content["level"]["eqf"], cah_groups=[s["cah2"] for s in content["subjects"]],
                    grade=Decimal(65), awarded_on=date(2024, 6, 1)))
            s.add(request)
            s.flush()
            ids.append(request.id)
    return ids


def percentiles(times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    p95 = ms[max(0, int(len(ms) * 0.95) - 1)]
    return f"p50 {statistics.median(ms):6.2f} ms   p95 {p95:6.2f} ms   max {ms[-1]:6.2f} ms   (n={len(ms)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--members", type=int, default=150)
    parser.add_argument("--courses", type=int, default=10, help="courses per member")
    parser.add_argument("--agreements", type=int, default=2000)
    parser.add_argument("--consortium-wide", type=int, default=20, help="agreements with every member a party")
    parser.add_argument("--ledger", type=int, default=100_000)
    parser.add_argument("--open-requests", type=int, default=10_000)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    rng = random.Random(7)

    folder = tempfile.TemporaryDirectory()
    url = args.database_url or f"sqlite:///{folder.name}/bench.db"
    engine = make_engine(url)
    if engine.dialect.name == "postgresql":
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
    upgrade(engine)
    started = time.perf_counter()
    generate(engine, args, rng)
    ids = bench_request(engine, args, rng)
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(text("ANALYZE"))
    print(f"{engine.dialect.name} on {platform.python_implementation()} {platform.python_version()}: "
          f"{args.members} members, {args.agreements} agreements, {args.ledger} ledger entries, "
          f"{args.open_requests} open requests; generated in {time.perf_counter() - started:.1f} s")

    readers = make_sessionmaker(engine, writer=False)
    with readers() as s:
        sample = s.get(TransferRequest, ids[0])
        found = preassessment.run(s, sample, TODAY)
        print(f"  sample request {ids[0]}: {len(preassessment.snapshots_for(s, org(0)))} agreements loaded, "
              f"proposal {found.proposal.kind.value} {found.proposal.credits} credits; outcomes "
              f"{[o.kind.value for o in found.outcomes]}")
    times = []
    for request_id in ids:
        with readers() as s:
            begun = time.perf_counter()
            request = s.get(TransferRequest, request_id)
            preassessment.run(s, request, TODAY)
            times.append(time.perf_counter() - begun)
    print(f"  pre-assessment, 5 achievements, with loading: {percentiles(times[1:])}   target p95 < 10 ms")

    staff = Identity(user_id=9, org_id=org(0), role=Role.STAFF, permissions=frozenset({Permission.TRANSFERS}))
    times = []
    for _ in range(100):
        with readers() as s:
            begun = time.perf_counter()
            page = requests.staff_queue(s, staff, today=TODAY, limit=50)
            times.append(time.perf_counter() - begun)
    overdue = sum(item.overdue for item in page)
    print(f"  staff queue, first 50 of {args.open_requests} open: {percentiles(times)}   target < 100 ms "
          f"({overdue} of the page overdue)")
    times = []
    with readers() as s:
        after = None
        for _ in range(50):
            begun = time.perf_counter()
            page = requests.staff_queue(s, staff, today=TODAY, limit=50, after=after)
            times.append(time.perf_counter() - begun)
            after = (page[-1].due_on, page[-1].request_id)
    print(f"  staff queue, next pages (keyset):        {percentiles(times)}")
    engine.dispose()
    folder.cleanup()


if __name__ == "__main__":
    main()

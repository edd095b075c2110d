"""Overlap detection benchmark: a generated catalogue with planted near-duplicates, in the embedded store.

    .venv/bin/python benchmarks/overlaps.py --courses 200000

Prints the time of a full recomputation (``climbing-frame overlaps recompute``), of the incremental update
after ``--change`` of the courses change (what follows a harvest), and the recall of the planted pairs
(rewritten copies: outcomes reordered, a quarter of their words replaced, one sometimes dropped). Courses
are stored directly (the harvest has its own benchmark); data is generated at run time and not kept.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import select  # noqa: E402

from climbing_frame.migrate import upgrade  # noqa: E402
from directory.catalogue import service as catalogue  # noqa: E402
from directory.catalogue.models import Course  # noqa: E402
from directory.db import make_engine, make_sessionmaker, utcnow  # noqa: E402
from directory.overlaps import service as overlaps  # noqa: E402
from directory.overlaps.models import Overlap  # noqa: E402

SYLLABLES = ("ka to ri mu sen dal vor pli eth an qui bor tes nal gri hom pe lu zar ick ost ven cla dru "
             "mer fin sol tra quo bel ny ph ag or is").split()
VERBS = ["Explain", "Apply", "Analyse", "Critically evaluate", "Design", "Describe", "Compare", "Assess"]
TEMPLATES = ["{v} the {w} of {x} and {y}", "{v} {w} {x} in {y} settings", "{v} how {w} shapes {x} {y}",
             "{v} {w}, {x} and {y} for {z}", "{v} the role of {w} {x} in {y} {z}"]
JARGON = ("risk governance stakeholder data sustainability digital quality leadership ethics policy "
          "innovation evidence strategy").split()


def vocabulary(rng: random.Random, subjects: int, per_subject: int) -> list[list[str]]:
    def word() -> str:
        return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
    return [[word() for _ in range(per_subject)] for _ in range(subjects)]


def outcome(rng: random.Random, words: list[str]) -> str:
    # Zipf-like: a subject's first words are its common ones.
    pick = [words[min(int(rng.paretovariate(0.9)) - 1, len(words) - 1)] if rng.random() < 0.4
            else rng.choice(words) for _ in range(4)]
    if rng.random() < 0.5:
        pick[rng.randrange(4)] = rng.choice(JARGON)
    return rng.choice(TEMPLATES).format(v=rng.choice(VERBS), w=pick[0], x=pick[1], y=pick[2], z=pick[3])


def new_course(rng: random.Random, subject: int, words: list[str]) -> dict:
    outcomes = [outcome(rng, words) for _ in range(rng.randint(4, 6))]
    eqf = rng.choice([5, 6, 6, 7, 7])
    cah3 = f"CAH{subject // 8 + 1:02d}-{subject // 4 % 2 + 1:02d}-{subject % 4 + 1:02d}"
    return {
        "title": " ".join(w.capitalize() for w in rng.sample(words[:60], 2)),
        "summary": " ".join(rng.choices(words, k=14)),
        "learning_outcomes": outcomes,
        "subjects": [{"scheme": "HECoS", "code": str(100000 + subject), "cah3": cah3,
                      "cah2": cah3.rsplit("-", 1)[0], "cah1": cah3.split("-")[0]}],
        "level": {"framework": "EQF", "value": eqf, "eqf": eqf},
        "credit": {"value": 15, "scheme": "CATS", "cats": 15, "ects": 7.5},
        "_subject": subject,
    }


def rewritten(rng: random.Random, record: dict, words: list[str]) -> dict:
    """Another author's version: outcomes reordered, a quarter of the words replaced, maybe one dropped."""
    def reword(text: str) -> str:
        return " ".join(rng.choice(words) if rng.random() < 0.25 and len(w) > 3 else w for w in text.split())
    outcomes = [reword(o) for o in record["learning_outcomes"]]
    rng.shuffle(outcomes)
    if len(outcomes) > 4 and rng.random() < 0.3:
        outcomes.pop()
    return {**record, "title": reword(record["title"]), "summary": reword(record["summary"]),
            "learning_outcomes": outcomes}


def content(course_id: str, record: dict) -> catalogue.Content:
    body = {k: v for k, v in record.items() if not k.startswith("_")}
    digest = hashlib.sha256(repr(sorted(body.items())).encode()).hexdigest()
    return catalogue.Content(course_id, digest, body, catalogue.content_hash(body), 1.0, [])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--courses", type=int, default=20_000)
    parser.add_argument("--providers", type=int, default=50)
    parser.add_argument("--planted", type=float, default=0.02, help="share of courses that are rewritten copies")
    parser.add_argument("--change", type=float, default=0.01, help="share of courses changed for the update")
    parser.add_argument("--database-url", default="", help="default: SQLite in a temporary folder")
    parser.add_argument("--seed", type=int, default=5)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    subjects = vocabulary(rng, max(64, args.courses // 800), 600)

    with tempfile.TemporaryDirectory() as folder:
        engine = make_engine(args.database_url or f"sqlite:///{folder}/bench.db")
        upgrade(engine)
        sessions = make_sessionmaker(engine)

        started = time.perf_counter()
        records: list[tuple[str, str, dict]] = []  # (provider, course id, record)
        planted: set[tuple[int, int]] = set()  # indexes into records
        for n in range(args.courses):
            provider = f"{10200000 + n % args.providers}"
            if records and rng.random() < args.planted:
                source = rng.randrange(len(records))
                record = rewritten(rng, records[source][2], subjects[records[source][2]["_subject"]])
                planted.add((source, n))
            else:
                subject = rng.randrange(len(subjects))
                record = new_course(rng, subject, subjects[subject])
            records.append((provider, f"C{n:07d}", record))
        now = utcnow()
        with sessions.begin() as session:
            for p in range(args.providers):
                provider = f"{10200000 + p}"
                catalogue.upsert_provider(session, provider, f"Benchmark University {p}")
                mine = [content(cid, record) for prov, cid, record in records if prov == provider]
                for start in range(0, len(mine), 5000):
                    catalogue.store_new(session, provider, mine[start : start + 5000], now, None)
        print(f"catalogue: {args.courses} courses, {len(planted)} planted pairs, stored in "
              f"{time.perf_counter() - started:.1f}s ({engine.dialect.name})")

        with sessions() as session:
            pk_of = {(p, c): pk for pk, p, c in session.execute(select(Course.pk, Course.provider_id, Course.course_id))}
        pks = [pk_of[(p, c)] for p, c, _ in records]

        started = time.perf_counter()
        with sessions.begin() as session:
            full = overlaps.recompute_all(session)
        full_seconds = time.perf_counter() - started
        print(f"full detection: {full_seconds:.1f}s; {full.candidates} candidate pairs, {full.detected} overlaps")
        print(f"  recall of planted pairs: {recall(sessions, planted, pks):.3f}; "
              f"precision: {precision(sessions, planted, pks):.3f} (flagged pairs that are planted)")

        # 1% of courses change: half are rewritten to copy another course (new planted pairs), half edited.
        changed = rng.sample(range(args.courses), max(1, int(args.courses * args.change)))
        changing = set(changed)
        new_planted: set[tuple[int, int]] = set()
        by_provider: dict[str, list[catalogue.Content]] = {}
        for index in changed:
            provider, cid, record = records[index]
            if rng.random() < 0.5:
                source = rng.randrange(args.courses)
                while source in changing:  # copy a course that stays as it is
                    source = rng.randrange(args.courses)
                record = rewritten(rng, records[source][2], subjects[records[source][2]["_subject"]])
                new_planted.add((min(source, index), max(source, index)))
            else:
                record = {**record, "summary": record["summary"] + " updated", "learning_outcomes":
                          [*record["learning_outcomes"][:-1], outcome(rng, subjects[record["_subject"]])]}
            records[index] = (provider, cid, record)
            by_provider.setdefault(provider, []).append(content(cid, record))
        keys = [(records[i][0], records[i][1]) for i in changed]
        with sessions.begin() as session:
            states = {}
            for provider, contents in by_provider.items():
                known = catalogue.course_states(session, provider)
                states[provider] = [(known[c.course_id], c) for c in contents]
                catalogue.store_changed(session, states[provider], utcnow(), None)

        started = time.perf_counter()
        with sessions.begin() as session:
            update = overlaps.recompute_for(session, keys)
        update_seconds = time.perf_counter() - started
        print(f"incremental update after {len(changed)} courses changed ({args.change:.0%}): {update_seconds:.2f}s; "
              f"{update.candidates} candidates, {update.added} added, {update.removed} removed")
        print(f"  recall of the pairs planted by the change: {recall(sessions, new_planted, pks):.3f}")
        print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
              f"Python {platform.python_version()}")
        engine.dispose()


def precision(sessions, planted: set[tuple[int, int]], pks: list[int]) -> float:
    """Planted copies of one course are copies of each other too: a pair of copies counts as planted."""
    with sessions() as session:
        found = {(a, b) for a, b in session.execute(select(Overlap.course_a_pk, Overlap.course_b_pk))}
    family: dict[int, int] = {}
    for source, copy in sorted(planted):
        family[pks[copy]] = family.get(pks[source], pks[source])
        family.setdefault(pks[source], pks[source])
    right = sum(1 for a, b in found if a in family and b in family and family[a] == family[b])
    return right / max(1, len(found))


def recall(sessions, planted: set[tuple[int, int]], pks: list[int]) -> float:
    with sessions() as session:
        found = {(a, b) for a, b in session.execute(select(Overlap.course_a_pk, Overlap.course_b_pk))}
    wanted = {(min(pks[a], pks[b]), max(pks[a], pks[b])) for a, b in planted}
    return len(wanted & found) / max(1, len(wanted))


if __name__ == "__main__":
    main()

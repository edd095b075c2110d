"""Planner benchmark: one learner's achievements against every pathway of the consortium.

    .venv/bin/python benchmarks/planner.py                      # 20 achievements, 500 pathways
    .venv/bin/python benchmarks/planner.py --achievements 40 --pathways 2000 --runs 200

Generates (sizes as flags, fixed seed) pathways over 150 members (core, one or two option groups spanning
members, level thresholds, external share caps, capstones, spans; a tenth open "capstone model" pathways)
and a learner holding directory courses (some named by many pathways, some overlapping) and credit
described by hand; then prints p50/p95/max of evaluating *every* pathway (no relevance pre-filter, the
worst case) with the pure rules engine (target: p95 < 50 ms), and the same after the planner's relevance
filter.
"""

from __future__ import annotations

import argparse
import platform
import random
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from directory.credit import Achievement, Level  # noqa: E402
from directory.pathways.rules import (  # noqa: E402
    OptionGroup,
    PathwayRules,
    evaluate_all,
    relevant,
)

TODAY = date(2026, 6, 1)
LEVELS = [Level("FHEQ", 6, 6), Level("FHEQ", 7, 7), Level("SCQF", 11, 7)]


def make_pathways(count: int, members: int, courses_per_member: int, rng: random.Random) -> list[PathwayRules]:
    found = []
    for n in range(count):
        awarding = f"m{rng.randrange(members)}"
        own = [f"{awarding}/c{rng.randrange(courses_per_member)}" for _ in range(4)]
        others = [f"m{rng.randrange(members)}/c{rng.randrange(courses_per_member)}" for _ in range(8)]
        named = list(dict.fromkeys(own + others))
        core = tuple(named[:2])
        groups = (OptionGroup(Decimal(30), frozenset(named[2:7])),)
        if rng.random() < 0.4:
            groups += (OptionGroup(Decimal(15), frozenset(named[7:])),)
        if n % 10 == 0:
            core, groups = (), ()
        found.append(PathwayRules(
            pathway_id=f"p{n}", awarding_provider_id=awarding, total_credit=Decimal(rng.choice([60, 90, 120])),
            core=core, option_groups=groups, level=LEVELS[1], level_credit=Decimal(40),
            max_external_share=rng.choice([None, Fraction(1, 3), Fraction(1, 2)]),
            capstone=core[0] if core and rng.random() < 0.5 else None, max_span_years=rng.choice([None, 5]),
        ))
    return found


def make_learner(count: int, pathways: list[PathwayRules], rng: random.Random) -> tuple[list[Achievement], set]:
    popular = [key for p in rng.sample(pathways, 20) for key in p.roles]
    held = []
    for n in range(count):
        if n % 5 == 4:
            held.append(Achievement(f"a{n}", f"by hand {n}", Decimal(15), rng.choice(LEVELS),
                                    TODAY - timedelta(days=rng.randrange(2500)), None, None))
            continue
        course = rng.choice(popular)
        held.append(Achievement(f"a{n}", course, Decimal(rng.choice([10, 15, 20, 30])), rng.choice(LEVELS),
                                TODAY - timedelta(days=rng.randrange(2500)), course.partition("/")[0], course))
    courses = [a.course for a in held if a.course]
    overlaps = {(courses[i], courses[i + 1]) for i in range(0, min(len(courses) - 1, 6), 3)}
    return held, overlaps


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--achievements", type=int, default=20)
    parser.add_argument("--pathways", type=int, default=500)
    parser.add_argument("--members", type=int, default=150)
    parser.add_argument("--courses-per-member", type=int, default=60)
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    pathways = make_pathways(args.pathways, args.members, args.courses_per_member, rng)
    learners = [make_learner(args.achievements, pathways, rng) for _ in range(20)]

    def measure(filtered: bool) -> list[float]:
        times = []
        for run in range(args.runs):
            held, overlaps = learners[run % len(learners)]
            started = time.perf_counter()
            chosen = [p for p in pathways if relevant(p, held)] if filtered else pathways
            evaluate_all(chosen, held, TODAY, overlaps=overlaps)
            times.append((time.perf_counter() - started) * 1000)
        return times

    print(f"python {platform.python_version()} on {platform.machine()}: {args.achievements} achievements, "
          f"{args.pathways} pathways, {args.runs} runs")
    for label, filtered in (("every pathway", False), ("relevant pathways only", True)):
        times = measure(filtered)
        print(f"  {label:24} p50 {statistics.median(times):6.2f} ms  p95 {percentile(times, 0.95):6.2f} ms  "
              f"max {max(times):6.2f} ms")


if __name__ == "__main__":
    main()

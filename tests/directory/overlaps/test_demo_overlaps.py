"""The demo consortium's overlaps: the detector finds the planted near-duplicates and the declared pairs'
text, and flags at most 2 pairs per 100 courses beyond them (the demo's course text is written course by
course, deploy/demo/make_demo_feeds.py). The feeds are read as a harvest reads them
(benchmarks/demo_overlaps.py: the harvester's adapters, mapping profiles and validator)."""

from __future__ import annotations

import importlib.util
from pathlib import Path

from directory.overlaps import detect
from directory.overlaps.detect import CourseDescription

ROOT = Path(__file__).resolve().parents[3]
_spec = importlib.util.spec_from_file_location("demo_overlaps", ROOT / "benchmarks" / "demo_overlaps.py")
demo_overlaps = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(demo_overlaps)


def test_the_demo_flags_its_planted_overlaps_and_few_else():
    courses, declared = demo_overlaps.load_courses(ROOT / "config" / "demo")
    planted = demo_overlaps.planted_pairs(courses, declared)
    findings = detect.detect([CourseDescription.from_content(key, key[0], content, key[1])
                              for key, content in sorted(courses.items())])
    flagged = {frozenset((f.a, f.b)) for f in findings}
    assert len(courses) >= 300 and len(planted) >= 7
    assert set(planted) <= flagged, sorted(planted[p] for p in set(planted) - flagged)
    beyond = flagged - set(planted)
    assert 100 * len(beyond) / len(courses) <= 2, sorted(tuple(sorted(p)) for p in beyond)

"""How many overlaps the current detector flags in the demo consortium, and whether it finds the planted ones.

    .venv/bin/python benchmarks/demo_overlaps.py                  # config/demo
    .venv/bin/python benchmarks/demo_overlaps.py --demo DIR       # DIR/feeds.toml, DIR/feeds/...
    .venv/bin/python benchmarks/demo_overlaps.py --top 40

Every feed of ``feeds.toml`` is parsed by the harvester's own adapter (native or XCRI-CAP), its mapping
profile applied and its records sorted by the harvest's validator (``harvester.sorting.sort_document``), so
the courses compared are the canonical content the directory stores: the active, valid ones (quarantined
and withdrawn records are left out, as a harvest leaves them out). ``directory.overlaps.detect.detect`` then
runs over all of them, as ``climbing-frame overlaps recompute`` does.

Planted pairs: the near-duplicates the generator writes (``NEAR_DUPLICATES`` in
deploy/demo/make_demo_feeds.py, found by title) and every pair a native feed declares in a course's
``excludes`` (a course and its replacement, a syllabus two members share). Prints the courses, the flagged
pairs, the planted pairs found, the flagged pairs beyond the planted ones per 100 courses, and the top
unplanted flagged pairs with their scores. No database, no network; read only.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from directory.catalogue.vocab import vocabularies  # noqa: E402
from directory.overlaps.detect import CourseDescription, detect  # noqa: E402
from directory.settings import Settings  # noqa: E402
from harvester import mapping  # noqa: E402
from harvester.formats import adapter  # noqa: E402
from harvester.sorting import make_validator, sort_document  # noqa: E402

Key = tuple[str, str]  # (provider id, course id)


def load_courses(demo: Path) -> tuple[dict[Key, dict], dict[Key, list[dict]]]:
    """The canonical content of every listable course, and the raw ``excludes`` of the native records."""
    vocab = vocabularies(ROOT / "config" / "vocab")
    settings = Settings()
    config = tomllib.loads((demo / "feeds.toml").read_text(encoding="utf-8"))
    courses: dict[Key, dict] = {}
    declared: dict[Key, list[dict]] = {}
    for feed in config["feed"]:
        member = feed["provider_id"]
        body = (demo / "feeds" / feed["file"]).read_bytes()
        profile = mapping.profile_from_table(feed.get("mapping"), source=feed["file"], vocab=vocab) \
            if feed.get("mapping") else mapping.EMPTY
        document = adapter(feed["format"]).parse(body)
        document.items = list(document.items)  # read twice: sorted, then searched for "excludes"
        sorting = sort_document(make_validator(vocab, settings, profile), document, profile=profile,
                                provider_id=member, provider_name=feed.get("name", ""))
        for content in sorting.new:
            courses[(member, content.course_id)] = content.record
        for item in document.items:
            raw = getattr(item, "raw", None)
            if isinstance(raw, dict) and raw.get("excludes"):
                declared[(member, item.id)] = raw["excludes"]
    return courses, declared


def planted_pairs(courses: dict[Key, dict], declared: dict[Key, list[dict]]) -> dict[frozenset[Key], str]:
    """Planted pair -> why: the generator's near-duplicates (by title) and the declared exclusions."""
    spec = importlib.util.spec_from_file_location("make_demo_feeds", ROOT / "deploy/demo/make_demo_feeds.py")
    sys.path.insert(0, str(ROOT / "deploy" / "demo"))
    generator = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(generator)
    by_title: dict[str, list[Key]] = {}
    for key, record in courses.items():
        by_title.setdefault(record["title"], []).append(key)
    planted: dict[frozenset[Key], str] = {}
    for dup in generator.NEAR_DUPLICATES:
        a, b = by_title.get(dup["a"]["title"], []), by_title.get(dup["b"]["title"], [])
        if len(a) == 1 and len(b) == 1:
            planted[frozenset((a[0], b[0]))] = f"near-duplicate {dup['key']}"
        else:
            print(f"! near-duplicate {dup['key']}: not found once each ({len(a)}, {len(b)})")
    for (member, course_id), entries in declared.items():
        for entry in entries:
            other = (entry.get("provider_id") or member, entry["course_id"])
            planted[frozenset(((member, course_id), other))] = f"declared: {entry.get('reason', '')}"
    return planted


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--demo", type=Path, default=ROOT / "config" / "demo")
    parser.add_argument("--top", type=int, default=20)
    args = parser.parse_args()

    courses, declared = load_courses(args.demo)
    keys = sorted(courses)
    descriptions = [CourseDescription.from_content(key, key[0], courses[key], key[1]) for key in keys]
    findings = detect(descriptions)
    planted = planted_pairs(courses, declared)

    flagged = {frozenset((f.a, f.b)): f for f in findings}
    found = [pair for pair in planted if pair in flagged]
    beyond = sorted((f for pair, f in flagged.items() if pair not in planted), key=lambda f: -f.score)
    n = len(courses)
    print(f"courses                      {n}")
    print(f"flagged pairs                {len(flagged)}")
    print(f"planted pairs found          {len(found)} of {len(planted)}")
    for pair, why in sorted(planted.items(), key=lambda item: sorted(item[0])):
        a, b = sorted(pair)
        score = f"{flagged[pair].score:.3f}" if pair in flagged else "not flagged"
        print(f"    {a[1]:>16} {b[1]:<16} {score:>11}  {why}")
    print(f"flagged beyond planted       {len(beyond)} ({100 * len(beyond) / n:.2f} per 100 courses)")
    if beyond:
        print(f"top {min(args.top, len(beyond))} unplanted flagged pairs:")
    for f in beyond[: args.top]:
        c = f.comparison
        print(f"  {f.score:.3f}  {f.a[1]:>16} {courses[f.a]['title'][:38]:38}  {f.b[1]:<16} "
              f"{courses[f.b]['title'][:38]:38}  (matched: {', '.join(c.matched) or 'nothing named'}; "
              f"evidence {c.evidence:.1f})")


if __name__ == "__main__":
    main()

"""Harvest benchmark: generated feeds served over local HTTP, harvested into the embedded store and index.

    .venv/bin/python benchmarks/harvest.py --courses 200000 --feeds 50

Prints, end to end (fetch, parse, validate, store, index): records/second of a first harvest, then the
time of an unchanged re-harvest answered 304 (conditional GET), and of one whose body is unchanged but
fetched in full (no validators). Data is generated at run time in a temporary folder; nothing is kept.

By default every feed is written as a real university's feed is, and carries a mapping profile that fixes
it (``--profile none``: the feeds use the native vocabulary and no profile): credit in the university's own
points scheme with its level labels 1, 2, 3, M; a quarter of the subjects as JACS 3.0 codes and a tenth as
free text the profile's subjects table maps; a fifth of the records without a mode (the profile's default).
"""

from __future__ import annotations

import argparse
import json
import platform
import random
import secrets
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import update  # noqa: E402

from climbing_frame.app import make_instance
from climbing_frame.migrate import upgrade  # noqa: E402
from directory import settings as settings_module  # noqa: E402
from directory.instance import Instance
from harvester import mapping, pipeline, registry  # noqa: E402
from harvester.environment import harvest_environment
from harvester.feedserver import serve_folder  # noqa: E402
from harvester.models import Feed  # noqa: E402
from harvester.parallel import harvest_in_parallel  # noqa: E402
from harvester.web.schemas import present_run  # noqa: E402

HECOS = ["100366", "100992", "100078", "100485", "100089", "100497", "100290", "100476", "100471", "100962"]
WORDS = ("data analysis learning leadership health care practice digital systems security design research "
         "evaluation policy management sustainable engineering clinical finance marketing law ethics "
         "education assessment software networks statistics communication innovation strategy").split()
MODES = ["online-synchronous", "online-asynchronous", "on-campus", "work-based", "blended"]


# What the profile maps: the university's own level labels (old CATS numbering), JACS codes, free text.
OWN_LEVELS = {"1": 4, "2": 5, "3": 6, "M": 7}
JACS = ["G400", "L100", "N100", "B700", "X300"]
FREE_TEXT = {"Local history": "100308", "Archaeology": "100299", "Museum studies": "100918"}


def scheme_name(provider: int) -> str:
    return f"Benchmark University {provider}"


def profile_toml(provider: int) -> str:
    """The mapping profile of one generated feed (the keys a registry officer writes for a real one)."""
    levels = "\n".join(f'"{label}" = {{ framework = "FHEQ", value = {value} }}' for label, value in OWN_LEVELS.items())
    subjects = "\n".join(f'"{text}" = "{code}"' for text, code in FREE_TEXT.items())
    return (f'[credit_schemes."{scheme_name(provider)}"]\nsystem = "CATS"\nfactor = 1.0\n\n'
            f'[credit_schemes."{scheme_name(provider)}".levels]\n{levels}\n\n'
            f'[subjects]\n{subjects}\n\n[defaults]\nmode = ["online-asynchronous"]\nlanguage = "en"\n')


def _as_real_feed(rng: random.Random, provider: int, course: dict) -> dict:
    """The record as a university's own system writes it, which the feed's profile maps back."""
    credit_value, level = course["credit"]["value"], course["level"]["value"]
    label = next((k for k, v in OWN_LEVELS.items() if v == level), "M")
    course["credit"] = {"value": credit_value, "scheme": scheme_name(provider)}
    course["level"] = {"source": label, "scheme": scheme_name(provider)}
    draw = rng.random()
    if draw < 0.25:
        course["subjects"] = [{"scheme": "JACS3", "code": rng.choice(JACS)}]
    elif draw < 0.35:
        course["subjects"] = []
        course["subject_keywords"] = [rng.choice(list(FREE_TEXT))]
    if rng.random() < 0.2:
        del course["mode"]
    return course


def make_course(rng: random.Random, provider: int, number: int, real: bool = False) -> dict:
    course = _make_course(rng, provider, number)
    return _as_real_feed(rng, provider, course) if real else course


def _make_course(rng: random.Random, provider: int, number: int) -> dict:
    title_words = rng.sample(WORDS, 3)
    cohort = rng.random() < 0.6
    return {
        "id": f"P{provider:03d}-C{number:06d}",
        "status": "active",
        "title": " ".join(w.capitalize() for w in title_words),
        "url": f"https://www.provider{provider}.ac.example/courses/{number}",
        "summary": " ".join(rng.choices(WORDS, k=25)),
        "aims": " ".join(rng.choices(WORDS, k=15)),
        "learning_outcomes": [" ".join(rng.choices(WORDS, k=12)) for _ in range(rng.randint(3, 6))],
        "credit": {"value": rng.choice([10, 15, 20, 30]), "scheme": "CATS"},
        "level": {"framework": "FHEQ", "value": rng.choice([4, 5, 6, 7, 7, 8])},
        "subjects": [{"scheme": "HECoS", "code": rng.choice(HECOS)}],
        "mode": rng.sample(MODES, rng.randint(1, 2)),
        "study_hours": 150,
        "languages": ["en"],
        "schedule": (
            {"type": "cohort", "presentations": [{"start": f"2027-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}"}]}
            if cohort else {"type": "learner-led", "max_engagement_days": 365}
        ),
        "cost": {"amount": f"{rng.randint(0, 20) * 50}.00", "currency": "GBP"},
        "entry_requirements": "A first degree or relevant experience.",
        "assessment": ["Portfolio"],
        "skills": rng.sample(WORDS, 3),
        "updated": "2026-11-01T09:00:00Z",
    }


def generate(folder: Path, courses: int, feeds: int, seed: int, real: bool = True) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    per_feed = [courses // feeds + (1 if i < courses % feeds else 0) for i in range(feeds)]
    names = []
    for provider, count in enumerate(per_feed):
        provider_id = f"{10100000 + provider}"
        document = {
            "format": "climbing-frame/catalogue-feed", "version": "1.0", "generated": "2026-11-20T08:00:00Z",
            "provider": {"id": provider_id, "id_scheme": "UKPRN", "name": f"Benchmark University {provider}",
                         "country": "GB"},
            "courses": [make_course(rng, provider, n, real) for n in range(count)],
        }
        (folder / f"{provider_id}.json").write_text(json.dumps(document))
        names.append((provider_id, f"{provider_id}.json"))
    return names


def harvest_all(instance: Instance, feed_ids: list[str], jobs: int = 1) -> tuple[float, int, list[dict]]:
    """The product's two paths: in-process one feed after another (the scheduler's), or `harvest --jobs`."""
    start = time.perf_counter()
    if jobs > 1:
        reports = [report for _, report in harvest_in_parallel(instance, feed_ids, jobs)]
    else:
        env = harvest_environment(instance)
        reports = [present_run(pipeline.harvest(env, feed_id)) for feed_id in feed_ids]
    return time.perf_counter() - start, sum(r["counts"]["seen"] for r in reports), reports


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--courses", type=int, default=20000)
    parser.add_argument("--feeds", type=int, default=10)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--jobs", type=int, default=2, help="worker processes for the first harvest")
    parser.add_argument("--profile", choices=("university", "none"), default="university",
                        help="university (default): feeds in their own scheme, each with the profile that maps it")
    parser.add_argument("--database-url", default="", help="default: SQLite in the temporary data directory")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="cf-bench-") as tmp:
        tmp_path = Path(tmp)
        feeds_dir = tmp_path / "feeds"
        feeds_dir.mkdir()
        t0 = time.perf_counter()
        real = args.profile == "university"
        names = generate(feeds_dir, args.courses, args.feeds, args.seed, real)
        size = sum(p.stat().st_size for p in feeds_dir.iterdir())
        print(f"generated {args.courses} courses in {args.feeds} feeds ({size / 1e6:.0f} MB) "
              f"in {time.perf_counter() - t0:.1f} s")

        settings = settings_module.load(
            {"data_dir": str(tmp_path / "var"), "database_url": args.database_url, "harvest_allow_private": True,
             "log_level": "WARNING", "secret_key": secrets.token_hex(32)},
            environ={"CF_SETTINGS_FILE": str(tmp_path / "none.toml")},
        )
        instance = make_instance(settings)
        upgrade(instance.engine)
        server, base_url = serve_folder(feeds_dir)
        with instance.sessions.begin() as session:
            for number, (provider_id, file) in enumerate(names):
                profile = mapping.parse_profile_text(profile_toml(number), source="benchmark", vocab=instance.vocab) if real else None
                registry.add_feed(session, registry.FeedSpec(provider_id, f"Benchmark {provider_id}",
                                                             base_url + file, mapping=profile), allow_private=True)
        feed_ids = [provider_id for provider_id, _ in names]

        seconds, seen, reports = harvest_all(instance, feed_ids, args.jobs)
        assert all(r["outcome"] == "succeeded" for r in reports), [r["errors"] for r in reports]
        listed = sum(r["counts"]["new"] for r in reports)
        assert listed == seen, f"{seen - listed} records not listed: {reports[0]['counts']}"
        print(f"first harvest (--jobs {args.jobs}, profile: {args.profile}): {seen} records in {seconds:.1f} s = "
              f"{seen / seconds:,.0f} records/s end to end (indexed: {instance.search.count()})")

        seconds, _, reports = harvest_all(instance, feed_ids)
        assert all(r["http_status"] == 304 for r in reports)
        print(f"unchanged re-harvest answered 304: {seconds:.2f} s")

        with instance.sessions.begin() as session:
            session.execute(update(Feed).values(etag=None, last_modified=None))
        seconds, seen, reports = harvest_all(instance, feed_ids)
        assert all(r["http_status"] == 200 and r["counts"]["unchanged"] == r["counts"]["seen"] for r in reports)
        print(f"unchanged re-harvest, full body fetched: {seconds:.2f} s ({seen} records unchanged)")

        server.shutdown()
        instance.close()
    print(f"machine: {platform.machine()}, {platform.python_implementation()} {platform.python_version()}, "
          f"{__import__('os').cpu_count()} cores")


if __name__ == "__main__":
    main()

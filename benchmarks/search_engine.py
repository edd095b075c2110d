"""Benchmark the embedded search engine: build a tantivy index of synthetic courses, then time queries.

    .venv/bin/python benchmarks/search_engine.py --courses 200000 --queries 2000

Documents are generated at run time (seeded, so runs are comparable). The query mix: broad words, rare
words, phrases, typos and browsing, each with 0-3 filters, facets always on, first page of 20.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from directory.catalogue.vocab import vocabularies  # noqa: E402
from directory.search.documents import course_document  # noqa: E402
from directory.search.query import Filters, SearchQuery, Sort  # noqa: E402
from directory.search.tantivy_backend import TantivyBackend  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TODAY = date(2026, 1, 10)
COMMON = ("management", "data", "health", "practice", "leadership", "design", "learning", "systems")
RARE = ("cryptography", "palaeography", "hydrology", "epidemiology", "choreography", "metallurgy")
FILLER = ("applied", "introduction", "advanced", "professional", "methods", "research", "policy", "digital",
          "analysis", "theory", "community", "engineering", "culture", "finance", "ethics", "evidence")
MODES = ("online-synchronous", "online-asynchronous", "on-campus", "work-based", "blended")


def synthetic_documents(count: int, providers: int, vocab, seed: int = 7):
    rng = random.Random(seed)
    hecos = [s for s in vocab.hecos.values() if s.cah1][:400]
    for n in range(count):
        words = rng.sample(FILLER, 3) + [rng.choice(COMMON)] + ([rng.choice(RARE)] if rng.random() < 0.02 else [])
        rng.shuffle(words)
        subjects = rng.sample(hecos, rng.choice((1, 1, 2)))
        learner_led = rng.random() < 0.3
        starts = sorted(str(TODAY + timedelta(days=rng.randint(-200, 500))) for _ in range(rng.randint(1, 3)))
        provider = f"p{n % providers:03d}"
        content = {
            "id": f"c{n:07d}", "status": "active", "title": " ".join(words).capitalize(),
            "url": f"https://example.ac.uk/c{n}", "summary": " ".join(rng.choices(FILLER + COMMON, k=20)),
            "aims": None,
            "learning_outcomes": [" ".join(rng.choices(FILLER + COMMON, k=8)) for _ in range(3)],
            "credit": {"cats": rng.choice((5, 10, 15, 20, 30, 60))},
            "level": {"framework": "FHEQ", "value": 7, "eqf": rng.choice((5, 6, 7))},
            "subjects": [{"code": s.code, "name": s.name, "cah3": s.cah3, "cah2": s.cah2, "cah1": s.cah1} for s in subjects],
            "mode": rng.sample(MODES, rng.choice((1, 1, 2))),
            "languages": ["en"] + (["cy"] if rng.random() < 0.05 else []),
            "schedule": {"type": "learner-led"} if learner_led else {
                "type": "cohort", "presentations": [{"start": s} for s in starts]},
            "cost": {"amount": f"{rng.randint(0, 3000)}.00", "currency": "GBP"} if rng.random() < 0.9 else None,
            "psrb_recognition": [{"body": "BCS"}] if rng.random() < 0.1 else [],
            "skills": rng.sample(FILLER, 2),
        }
        yield course_document(f"Provider {provider}", provider, content["id"], content)


def query_mix(count: int, providers: int, seed: int = 11) -> list[SearchQuery]:
    rng = random.Random(seed)
    texts = (
        [lambda: rng.choice(COMMON)] * 3
        + [lambda: f"{rng.choice(FILLER)} {rng.choice(COMMON)}"] * 2
        + [lambda: rng.choice(RARE)]
        + [lambda: f'"{rng.choice(FILLER)} {rng.choice(FILLER)}"']
        + [lambda: rng.choice(("managment", "leadrship", "epidemiolgy", "enginering", "reserch")) ]
        + [lambda: ""]
    )
    queries = []
    for _ in range(count):
        filters: dict = {}
        for choice in rng.sample(("provider", "eqf", "mode", "credit", "starts", "cost"), rng.randint(0, 3)):
            if choice == "provider":
                filters["provider"] = tuple(f"p{rng.randrange(providers):03d}" for _ in range(rng.randint(1, 2)))
            elif choice == "eqf":
                filters["eqf_level"] = (rng.choice((5, 6, 7)),)
            elif choice == "mode":
                filters["mode"] = (rng.choice(MODES),)
            elif choice == "credit":
                filters["credit_min"], filters["credit_max"] = 10, 30
            elif choice == "starts":
                filters["starts_after"], filters["starts_before"] = TODAY, TODAY + timedelta(days=90)
            else:
                filters["cost_max"] = 1000
        sort = rng.choice((None, None, None, None, Sort.SOONEST, Sort.CREDIT))
        queries.append(SearchQuery(rng.choice(texts)(), Filters(**filters), sort=sort, today=TODAY))
    return queries


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--courses", type=int, default=20000)
    parser.add_argument("--providers", type=int, default=150)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--heap-mb", type=int, default=512)
    parser.add_argument("--index-dir", type=Path, default=None)
    args = parser.parse_args()

    vocab = vocabularies(ROOT / "config" / "vocab")
    folder = args.index_dir or Path(tempfile.mkdtemp(prefix="cf-bench-"))
    backend = TantivyBackend(folder, vocab, heap_size=args.heap_mb * 1_000_000)
    backend.ensure_index()
    started = time.perf_counter()
    indexed = backend.rebuild(synthetic_documents(args.courses, args.providers, vocab))
    build = time.perf_counter() - started
    print(
        f"indexed {indexed} courses in {build:.1f} s ({indexed / build:,.0f} docs/s, one commit, merges "
        f"waited for: {backend._searcher().num_segments} segments) into {folder}"
    )

    queries = query_mix(args.queries, args.providers)
    for q in queries[:20]:
        backend.search(q)  # warm up
    timings: dict[str, list[float]] = {"all": []}
    started = time.perf_counter()
    for q in queries:
        t0 = time.perf_counter()
        backend.search(q)
        elapsed = (time.perf_counter() - t0) * 1000
        kind = q.effective_sort.value
        timings["all"].append(elapsed)
        timings.setdefault(kind, []).append(elapsed)
    wall = time.perf_counter() - started
    for kind, values in timings.items():
        print(
            f"{kind:10} n={len(values):5} p50={percentile(values, 50):6.1f} ms  p95={percentile(values, 95):6.1f} ms"
            f"  p99={percentile(values, 99):6.1f} ms  mean={statistics.fmean(values):6.1f} ms"
        )
    print(f"{len(queries) / wall:,.1f} queries/s (one thread, facets on)")


if __name__ == "__main__":
    main()

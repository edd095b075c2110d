"""Search benchmark through the HTTP API, against the raw engine in-process.

    .venv/bin/python benchmarks/search.py --courses 200000

1. Generates courses (canonical records, validated by the real schema) into a SQLite store, then times a
   full `reindex` into tantivy (the product's rebuild path).
2. Serves the API with gunicorn (2 workers by default) and runs a fixed query mix with 16 concurrent
   clients (keep-alive), facets always on: p50/p95/p99 latency and requests/s.
3. Runs the same queries against the engine in-process, one at a time, so the API's overhead is a ratio.

The load generator runs on the same machine as the server: on 2 cores it takes CPU from gunicorn, so
the API figures are conservative.
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.append(str(Path(__file__).resolve().parent))  # after the packages: benchmarks/exchange.py must not shadow them

import httpx  # noqa: E402
from harvest import WORDS, make_course  # noqa: E402

from directory import settings as settings_module  # noqa: E402
from directory.app import Instance  # noqa: E402
from directory.catalogue import service as catalogue  # noqa: E402
from directory.catalogue.completeness import completeness  # noqa: E402
from directory.catalogue.schema import CourseValidator  # noqa: E402
from directory.db import utcnow  # noqa: E402
from directory.migrate import upgrade  # noqa: E402
from directory.search.indexer import reindex  # noqa: E402
from directory.web.search_api import search_query  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TYPOS = {"analysis": "analysys", "leadership": "leadersip", "security": "securty", "engineering": "enginering",
         "statistics": "statistcs", "management": "managment", "communication": "comunication"}
RARE = ["palaeography", "hydrology", "choreography"]


def populate(instance: Instance, courses: int, providers: int, seed: int) -> None:
    rng = random.Random(seed)
    validator = CourseValidator(instance.vocab)
    per_provider = courses // providers
    for provider in range(providers):
        provider_id = f"{10200000 + provider}"
        contents = []
        for number in range(per_provider):
            raw = make_course(rng, provider, number)
            if rng.random() < 0.01:
                raw["title"] += " " + rng.choice(RARE)
            record = validator.load(raw)
            score, missing = completeness(record)
            # No feed here, so no raw form to hash: the source hash is never compared in this benchmark.
            contents.append(catalogue.Content(raw["id"], "benchmark", record, catalogue.content_hash(record), score, missing))
        with instance.sessions.begin() as session:
            catalogue.upsert_provider(session, provider_id, f"Benchmark University {provider}")
            catalogue.store_new(session, provider_id, contents, utcnow(), None)


def query_mix(count: int, providers: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    mix = []
    for _ in range(count):
        kind = rng.choice(["broad", "broad", "rare", "phrase", "typo", "browse"])
        params: dict = {}
        if kind == "broad":
            params["q"] = " ".join(rng.sample(WORDS, rng.choice((1, 2))))
        elif kind == "rare":
            params["q"] = rng.choice(RARE)
        elif kind == "phrase":
            params["q"] = f'"{" ".join(rng.sample(WORDS, 2))}"'
        elif kind == "typo":
            params["q"] = rng.choice(list(TYPOS.values()))
        for _ in range(rng.randint(0, 3)):
            name = rng.choice(["provider", "eqf_level", "mode", "credit", "schedule"])
            if name == "provider":
                params.setdefault("provider", []).append(f"{10200000 + rng.randrange(providers)}")
            elif name == "eqf_level":
                params.setdefault("eqf_level", []).append(rng.choice([5, 6, 7, 8]))
            elif name == "mode":
                params.setdefault("mode", []).append(rng.choice(["online-asynchronous", "blended", "on-campus"]))
            elif name == "credit":
                params["credit_min"], params["credit_max"] = 10, 20
            else:
                params.setdefault("schedule", []).append("learner-led")
        mix.append(params)
    return mix


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def load(base_url: str, mix: list[dict], clients: int, duration: float) -> tuple[list[float], int, float]:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop = time.monotonic() + duration

    def client(offset: int) -> None:
        nonlocal errors
        mine, bad = [], 0
        with httpx.Client(base_url=base_url, timeout=30) as http:
            i = offset
            while time.monotonic() < stop:
                query = urlencode(mix[i % len(mix)], doseq=True)
                started = time.perf_counter()
                response = http.get(f"/api/v1/search?{query}")
                mine.append(time.perf_counter() - started)
                bad += response.status_code != 200
                i += clients
        with lock:
            latencies.extend(mine)
            errors += bad

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return latencies, errors, time.monotonic() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--courses", type=int, default=20000)
    parser.add_argument("--providers", type=int, default=50)
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of load")
    parser.add_argument("--queries", type=int, default=500, help="distinct queries in the mix")
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="cf-search-") as tmp:
        environ = {"CF_SETTINGS_FILE": str(Path(tmp) / "none.toml"), "CF_DATA_DIR": str(Path(tmp) / "var"),
                   "CF_SECRET_KEY": "benchmark", "CF_LOG_LEVEL": "WARNING"}
        settings = settings_module.load(environ=environ)
        instance = Instance(settings)
        upgrade(instance.engine)
        started = time.perf_counter()
        populate(instance, args.courses, args.providers, args.seed)
        print(f"generated and stored {args.courses} courses in {time.perf_counter() - started:.1f} s")

        started = time.perf_counter()
        with instance.readers() as session:
            indexed = reindex(session, instance.search)
        seconds = time.perf_counter() - started
        print(f"reindex: {indexed} courses in {seconds:.1f} s ({indexed / seconds:,.0f} courses/s)")

        mix = query_mix(args.queries, args.providers, args.seed)
        today = date.today()
        raw = []
        for params in mix:
            parsed = {key: (value if isinstance(value, list) or key not in ("provider", "eqf_level", "mode", "schedule")
                            else [value]) for key, value in params.items()}
            query = search_query(parsed, today)
            begun = time.perf_counter()
            instance.search.search(query)
            raw.append(time.perf_counter() - begun)
        instance.close()

        port = free_port()
        server = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "-w", str(args.workers), "-b", f"127.0.0.1:{port}",
             "--log-level", "warning", "directory.app:create_app()"],
            cwd=ROOT, env={**os.environ, **environ}, start_new_session=True)
        try:
            base_url = f"http://127.0.0.1:{port}"
            for _ in range(100):
                try:
                    if httpx.get(base_url + "/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    time.sleep(0.2)
            load(base_url, mix[:50], args.clients, 2.0)  # warm both workers' searchers and caches
            latencies, errors, elapsed = load(base_url, mix, args.clients, args.duration)
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)

    ms = [x * 1000 for x in latencies]
    raw_ms = [x * 1000 for x in raw]
    print(f"API, {args.workers} gunicorn workers, {args.clients} clients, {args.duration:.0f} s: {len(ms)} requests, "
          f"{errors} errors, {len(ms) / elapsed:,.0f} requests/s")
    print(f"  latency p50 {percentile(ms, 50):.1f} ms, p95 {percentile(ms, 95):.1f} ms, p99 {percentile(ms, 99):.1f} ms")
    print(f"raw engine in-process, one at a time: p50 {percentile(raw_ms, 50):.1f} ms, "
          f"p95 {percentile(raw_ms, 95):.1f} ms, p99 {percentile(raw_ms, 99):.1f} ms, mean {statistics.mean(raw_ms):.1f} ms")
    # Under load a request also queues behind others; the service time is the fair comparison.
    service_ms = 1000 * args.workers / (len(ms) / elapsed) if ms else float("nan")
    print(f"API cost per request (workers / throughput): {service_ms:.1f} ms = "
          f"{service_ms / statistics.mean(raw_ms):.1f}x the raw engine's mean")


if __name__ == "__main__":
    main()

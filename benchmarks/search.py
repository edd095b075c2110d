"""Search benchmark through the HTTP API, against the raw engine in-process.

    .venv/bin/python benchmarks/search.py --courses 200000

1. Generates courses (canonical records, validated by the real schema) into a SQLite store, then times a
   full `reindex` into tantivy (the product's rebuild path). ``--data-dir`` keeps both for the next run.
2. Runs a fixed query mix against the engine in-process, one query at a time: the raw engine's latency.
3. Serves the API with gunicorn (2 sync workers, as deployed), sends the same queries through it one at
   a time (the API's overhead is the ratio of the two latencies), then measures it with 16 concurrent
   clients, facets always on, in two ways:

   * **throughput**: each client sends its next request as soon as the last is answered (closed loop),
     so the server is saturated: requests/s is its capacity. The latency of this phase is mostly
     queueing: by Little's law, 16 requests in flight at R requests/s wait 16/R on average whatever the
     server does, so it is printed but is not the latency figure.
   * **latency**: requests arrive on a fixed schedule (``--rate``, 250/s by default: the target load),
     spread over the 16 connections, and each latency is measured from the moment its request was
     *due*, so a stalled server is charged for the requests it held up (no coordinated omission).

The text model (``--text catalogue``, the default) writes course text the way catalogues read: generic
academic words, 30 broad subject words (each in roughly a third of the courses) and a long tail of
real subject words (every word of the HECoS subject names) with a Zipf distribution, so a rare word is
rare. ``--text narrow`` is the old model, every text drawn from the 30 broad words alone, so that every
word query matches about 95% of the catalogue: a worst case, not a catalogue.

The load generator is a small asyncio HTTP/1.1 client on uvloop (about 0.2 ms of CPU a request, most of it
opening the connection) and runs on the same 2 cores as the server, so the API figures are conservative. Sync workers close the connection
after each answer, so every request connects anew and goes to whichever worker is free. (gthread workers
keep connections alive, but a connection stays with the worker that accepted it, so 16 connections can
leave one worker idle and the other queueing: ``--worker-class gthread`` shows it.)

Repeats: the index keeps the facet counts of recent searches until the next commit (the
``search_facet_cache`` setting), so a query that comes back costs less the second time. With the default
mix of 500 queries most requests are repeats; ``--queries 20000`` sends no query twice, the cost of a
stream of new searches. The raw engine runs each query once, without repeats.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.append(str(Path(__file__).resolve().parent))  # after the packages: benchmarks/exchange.py must not shadow them

from harvest import WORDS, make_course  # noqa: E402

from climbing_frame.app import make_instance
from climbing_frame.migrate import upgrade  # noqa: E402
from directory import settings as settings_module  # noqa: E402
from directory.catalogue import service as catalogue  # noqa: E402
from directory.catalogue.completeness import completeness  # noqa: E402
from directory.catalogue.schema import CourseValidator  # noqa: E402
from directory.db import utcnow  # noqa: E402
from directory.indexing import reindex, reindex_if_needed  # noqa: E402
from directory.instance import Instance  # noqa: E402
from directory.web.search_api import search_query  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TYPOS = {"analysis": "analysys", "leadership": "leadersip", "security": "securty", "engineering": "enginering",
         "statistics": "statistcs", "management": "managment", "communication": "comunication"}
RARE = ["palaeography", "hydrology", "choreography"]
GENERIC = ("understand apply evaluate critically develop demonstrate knowledge skills professional context "
           "approaches methods principles key concepts theory practice analyse explain identify use current "
           "issues range appropriate effective work within including relevant and of the to in for with "
           "a an on through their how your").split()
HECOS = ["100366", "100992", "100078", "100485", "100089", "100497", "100290", "100476", "100471", "100962"]


class CatalogueText:
    """Course text as catalogues read: generic words, broad subject words, a Zipf tail of rare ones."""

    def __init__(self, rng: random.Random, tail: list[str]) -> None:
        self.rng = rng
        self.tail = tail
        self.tail_weights = [1 / rank for rank in range(1, len(tail) + 1)]

    def words(self, count: int) -> str:
        rng, out = self.rng, []
        tail = rng.choices(self.tail, weights=self.tail_weights, k=count)
        for n in range(count):
            roll = rng.random()
            out.append(rng.choice(GENERIC) if roll < 0.5 else rng.choice(WORDS) if roll < 0.6 else tail[n])
        return " ".join(out)

    def title(self) -> str:
        tail = self.rng.choices(self.tail, weights=self.tail_weights, k=2)
        return " ".join(w.capitalize() for w in (tail[0], self.rng.choice(WORDS), tail[1]))

    def course(self, provider: int, number: int) -> dict:
        raw = make_course(self.rng, provider, number)
        raw["title"] = self.title()
        raw["summary"] = self.words(25)
        raw["aims"] = self.words(15)
        raw["learning_outcomes"] = [self.words(12) for _ in range(len(raw["learning_outcomes"]))]
        raw["skills"] = [self.words(2) for _ in range(3)]
        raw["subjects"] = [{"scheme": "HECoS", "code": self.rng.choice(HECOS)}]
        return raw


def subject_words(vocab) -> list[str]:
    """Every word of four letters or more in the HECoS subject names, in a fixed shuffled order."""
    found = sorted({w.lower() for s in vocab.hecos.values() for w in re.findall(r"[A-Za-z]+", s.name) if len(w) > 3})
    found = [w for w in found if w not in WORDS]
    random.Random(0).shuffle(found)
    return found


def populate(instance: Instance, courses: int, providers: int, seed: int, text: str) -> None:
    rng = random.Random(seed)
    validator = CourseValidator(instance.vocab)
    model = CatalogueText(rng, subject_words(instance.vocab)) if text == "catalogue" else None
    per_provider = courses // providers
    for provider in range(providers):
        provider_id = f"{10200000 + provider}"
        contents = []
        for number in range(per_provider):
            raw = model.course(provider, number) if model else make_course(rng, provider, number)
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
    """Broad words, rare words, phrases, typos and browsing, each with 0-3 filters; a few other sorts."""
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
            name = rng.choice(["provider", "eqf_level", "mode", "credit", "schedule", "subject"])
            if name == "provider":
                params.setdefault("provider", []).append(f"{10200000 + rng.randrange(providers)}")
            elif name == "eqf_level":
                params.setdefault("eqf_level", []).append(rng.choice([5, 6, 7, 8]))
            elif name == "mode":
                params.setdefault("mode", []).append(rng.choice(["online-asynchronous", "blended", "on-campus"]))
            elif name == "credit":
                params["credit_min"], params["credit_max"] = 10, 20
            elif name == "subject":
                params.setdefault("subject", []).append(rng.choice(["CAH11", "CAH02", "CAH17"]))
            else:
                params.setdefault("schedule", []).append("learner-led")
        if rng.random() < 0.1:
            params["sort"] = rng.choice(["start", "credit"])
        mix.append(params)
    return mix


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- the load generator ----------------------------------------------------------------------------

def run_client(coroutine):
    """Run the load generator, on uvloop when it is installed (about half of asyncio's CPU a request)."""
    try:
        import uvloop
    except ImportError:
        return asyncio.run(coroutine)
    return uvloop.run(coroutine)


class _Answers(asyncio.Protocol):
    """Reads HTTP/1.1 answers off one connection: status, headers, a body of Content-Length bytes."""

    def __init__(self) -> None:
        self.buffer = bytearray()
        self.waiting: asyncio.Future | None = None
        self.closed = False

    def data_received(self, data: bytes) -> None:
        self.buffer += data
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0 or self.waiting is None or self.waiting.done():
            return
        head = bytes(self.buffer[:end]).decode("latin-1").lower()
        length = 0
        for line in head.split("\r\n")[1:]:
            name, _, value = line.partition(":")
            if name == "content-length":
                length = int(value)
        if len(self.buffer) >= end + 4 + length:
            del self.buffer[:end + 4 + length]
            self.waiting.set_result((int(head[9:12]), "connection: close" in head))

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        if self.waiting is not None and not self.waiting.done():
            self.waiting.set_exception(exc or ConnectionError("the server closed the connection"))


class Connection:
    """One HTTP/1.1 connection, reopened when the server closes it (sync workers close it after every
    answer, so opening it is most of the client's CPU: ``run_client`` runs on uvloop for that)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.transport: asyncio.Transport | None = None
        self.answers: _Answers | None = None

    async def get(self, target: str) -> int:
        loop = asyncio.get_running_loop()
        if self.answers is None or self.answers.closed:
            self.transport, self.answers = await loop.create_connection(_Answers, "127.0.0.1", self.port)
        assert self.transport is not None
        self.answers.waiting = loop.create_future()
        self.transport.write(f"GET {target} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        status, close = await self.answers.waiting
        if close:
            self.close()
        return status

    def close(self) -> None:
        if self.transport is not None:
            self.transport.close()
        self.transport = self.answers = None


async def closed_loop(port: int, targets: list[str], clients: int, duration: float) -> tuple[list[float], int, float]:
    """Every client sends its next request when the last is answered: the server's capacity."""
    latencies: list[float] = []
    errors = 0
    begun = time.perf_counter()
    stop = begun + duration

    async def client(offset: int) -> None:
        nonlocal errors
        connection = Connection(port)
        i = offset
        while time.perf_counter() < stop:
            started = time.perf_counter()
            status = await connection.get(targets[i % len(targets)])
            latencies.append(time.perf_counter() - started)
            errors += status != 200
            i += clients
        connection.close()

    await asyncio.gather(*(client(n) for n in range(clients)))
    return latencies, errors, time.perf_counter() - begun


async def sequential(port: int, targets: list[str]) -> list[float]:
    """Each query once, one at a time: the API's latency without queueing, to set against the raw engine's."""
    connection = Connection(port)
    latencies = []
    for target in targets:
        started = time.perf_counter()
        await connection.get(target)
        latencies.append(time.perf_counter() - started)
    connection.close()
    return latencies


async def open_loop(port: int, targets: list[str], clients: int, rate: float, duration: float) -> tuple[list[float], int, float]:
    """Requests due at a fixed rate, sent over ``clients`` connections; latency counts from when each was due."""
    due: asyncio.Queue = asyncio.Queue()
    latencies: list[float] = []
    errors = 0
    total = int(rate * duration)

    async def schedule() -> None:
        begun = time.perf_counter()
        for n in range(total):
            wait = begun + n / rate - time.perf_counter()
            if wait > 0:
                await asyncio.sleep(wait)
            due.put_nowait((begun + n / rate, targets[n % len(targets)]))
        for _ in range(clients):
            due.put_nowait(None)

    async def client() -> None:
        nonlocal errors
        connection = Connection(port)
        while (item := await due.get()) is not None:
            when, target = item
            status = await connection.get(target)
            latencies.append(time.perf_counter() - when)
            errors += status != 200
        connection.close()

    begun = time.perf_counter()
    await asyncio.gather(schedule(), *(client() for _ in range(clients)))
    return latencies, errors, time.perf_counter() - begun


def wait_until_up(port: int) -> None:
    for _ in range(150):
        try:
            if run_client(Connection(port).get("/healthz")) == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


# -- the run ---------------------------------------------------------------------------------------

def build(instance: Instance, args) -> None:
    started = time.perf_counter()
    populate(instance, args.courses, args.providers, args.seed, args.text)
    print(f"generated and stored {args.courses} courses ({args.text} text) in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    with instance.readers() as session:
        indexed = reindex(session, instance.search)
    seconds = time.perf_counter() - started
    print(f"reindex: {indexed} courses in {seconds:.1f} s ({indexed / seconds:,.0f} courses/s)")


def engine_query(params: dict, today: date):
    """The query model the API builds from these query-string parameters."""
    lists = ("provider", "eqf_level", "mode", "schedule", "subject")
    return search_query({k: [v] if k in lists and not isinstance(v, list) else v for k, v in params.items()}, today)


def raw_engine(instance: Instance, mix: list[dict]) -> list[float]:
    today = date.today()
    for params in query_mix(20, 50, seed=-1):  # warm the reader on queries that are not timed
        instance.search.search(engine_query(params, today))
    timings = []
    for query in [engine_query(params, today) for params in mix]:
        begun = time.perf_counter()
        instance.search.search(query)
        timings.append(time.perf_counter() - begun)
    return timings


def report(label: str, seconds: list[float]) -> str:
    ms = [x * 1000 for x in seconds]
    return (f"{label}: p50 {percentile(ms, 50):.1f} ms, p95 {percentile(ms, 95):.1f} ms, "
            f"p99 {percentile(ms, 99):.1f} ms, mean {statistics.mean(ms):.1f} ms")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--courses", type=int, default=20000)
    parser.add_argument("--providers", type=int, default=50)
    parser.add_argument("--text", choices=("catalogue", "narrow"), default="catalogue")
    parser.add_argument("--clients", type=int, default=16)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--worker-class", default="sync", help="gunicorn worker class (sync: the deployment's)")
    parser.add_argument("--rate", type=float, default=250.0, help="requests/s offered in the latency phase")
    parser.add_argument("--duration", type=float, default=20.0, help="seconds of each load phase")
    parser.add_argument("--queries", type=int, default=500,
                        help="distinct queries in the mix (more than the requests sent: no query repeats)")
    parser.add_argument("--facet-cache", type=int, default=None,
                        help="the search_facet_cache setting (default: the product's; 0 keeps no counts)")
    parser.add_argument("--raw-queries", type=int, default=1000, help="queries of the mix timed in-process")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument("--data-dir", type=Path, help="keep the store and index here, and reuse them next time")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="cf-search-") as tmp:
        data_dir = args.data_dir or Path(tmp) / "var"
        environ = {"CF_SETTINGS_FILE": str(Path(tmp) / "none.toml"), "CF_DATA_DIR": str(data_dir),
                   "CF_SECRET_KEY": "benchmark", "CF_LOG_LEVEL": "WARNING"}
        if args.facet_cache is not None:
            environ["CF_SEARCH_FACET_CACHE"] = str(args.facet_cache)
        settings = settings_module.load(environ=environ)
        instance = make_instance(settings)
        reuse = args.data_dir is not None and (data_dir / "built").exists()
        upgrade(instance.engine)
        if reuse:
            started = time.perf_counter()
            with instance.readers() as session:  # an index of an older schema is rebuilt
                filled = reindex_if_needed(session, instance.search)
            if filled is not None:
                print(f"reindex ({filled}) in {time.perf_counter() - started:.1f} s")
            print(f"reusing the store and index in {data_dir} ({instance.search.count()} courses)")
        else:
            build(instance, args)
            if args.data_dir is not None:
                (data_dir / "built").write_text(f"{args.courses} {args.text}\n")

        mix = query_mix(args.queries, args.providers, args.seed)
        raw = raw_engine(instance, mix[:args.raw_queries])
        instance.close()

        port = free_port()
        server = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "-w", str(args.workers), "-k", args.worker_class,
             "-b", f"127.0.0.1:{port}", "--log-level", "warning", "climbing_frame.app:create_app()"],
            cwd=ROOT, env={**os.environ, **environ}, start_new_session=True)
        targets = [f"/api/v1/search?{urlencode(params, doseq=True)}" for params in mix]
        warm = [f"/api/v1/search?{urlencode(params, doseq=True)}" for params in query_mix(100, args.providers, -1)]
        try:
            wait_until_up(port)
            run_client(closed_loop(port, warm, args.clients, 2.0))  # warm both workers on untimed queries
            one_by_one = run_client(sequential(port, targets[:args.raw_queries]))
            cpu_before = time.process_time()
            saturated, errors, elapsed = run_client(closed_loop(port, targets, args.clients, args.duration))
            client_cpu = (time.process_time() - cpu_before) / max(1, len(saturated))
            # The latency phase goes on from where the throughput phase stopped in the mix, so a stream
            # of new searches stays new.
            later = targets[len(saturated) % len(targets):] + targets[:len(saturated) % len(targets)]
            paced, paced_errors, paced_elapsed = run_client(
                open_loop(port, later, args.clients, args.rate, args.duration))
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)

    throughput = len(saturated) / elapsed
    print(f"machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}")
    print(f"API, gunicorn {args.workers} {args.worker_class} workers, {args.clients} clients, "
          f"{args.duration:.0f} s per phase, {len(targets)} distinct queries, facet cache {settings.search_facet_cache}")
    print(f"  throughput (closed loop): {len(saturated)} requests, {errors} errors, {throughput:,.0f} requests/s "
          f"(the load generator used {1000 * client_cpu:.2f} ms of CPU a request)")
    print("  " + report("    its latency (queueing at saturation)", saturated))
    print(f"  latency at {args.rate:.0f} requests/s offered: {len(paced)} requests, {paced_errors} errors, "
          f"{len(paced) / paced_elapsed:,.0f} requests/s answered")
    print("  " + report("    latency from when due", paced))
    print(report("raw engine in-process, one at a time", raw))
    print(report(f"the same {len(one_by_one)} queries through the API, one at a time", one_by_one))
    print(f"API overhead: API / raw engine latency {percentile(one_by_one, 50) / percentile(raw, 50):.2f}x at p50, "
          f"{statistics.mean(one_by_one) / statistics.mean(raw):.2f}x on the mean; under load, the API's cost per "
          f"request (workers / throughput) {1000 * args.workers / throughput:.1f} ms = "
          f"{args.workers / throughput / statistics.mean(raw):.2f}x the raw engine's mean")


if __name__ == "__main__":
    main()

"""Rebuilding the tantivy index beside the live one: an index of an older schema keeps serving until its
replacement is swapped in, readers in other processes follow the swap, a writer in another process during
the rebuild is replayed, one rebuild runs at a time, and a rebuild that fails or lost its claim changes
nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import orjson
import pytest
import tantivy

from directory.db import utcnow
from directory.errors import RebuildLost, RebuildRunning
from directory.indexing import index_courses, reindex, reindex_if_needed
from directory.search import journal
from directory.search.query import Filters, SearchQuery
from directory.search.tantivy_backend import TantivyBackend
from directory.search.tantivy_schema import (
    CATCH_ALL,
    FIELD_NAMES,
    POINTER_FILE,
    SCHEMA_VERSION,
    VERSION_FILE,
    build_schema,
    tantivy_fields,
)
from directory.search.text import ANALYZER_NAME, english_analyzer
from tests.directory.search.catalogue_fixture import COURSES, TODAY, documents, retitle, store_catalogue

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture
def store(instance):
    with instance.sessions.begin() as session:
        store_catalogue(session)
    return instance


def backend_at(path: Path) -> TantivyBackend:
    backend = TantivyBackend(path, instance_vocab(), heap_size=50_000_000, writer_threads=1)
    backend.ensure_index()
    return backend


def instance_vocab():
    from directory.catalogue.vocab import vocabularies

    return vocabularies(ROOT / "config" / "vocab")


def found(backend, text="", **kwargs):
    result = backend.search(SearchQuery(text, per_page=100, today=TODAY, **kwargs))
    return [h.id for h in result.hits]


def index_at_root(path: Path, version: str, schema: tantivy.Schema | None = None, keep=None) -> None:
    """An index as the code before versioned folders left it: at the root, its version in a file."""
    path.mkdir(parents=True)
    index = tantivy.Index(schema or build_schema(), path=str(path))
    index.register_tokenizer(ANALYZER_NAME, english_analyzer())
    writer = index.writer(50_000_000, 1)
    for document in documents():
        fields = tantivy_fields(document)
        if keep is not None:
            fields = {name: value for name, value in fields.items() if name in keep}
        writer.add_document(tantivy.Document.from_dict(fields, index.schema))
    writer.commit()
    writer.wait_merging_threads()
    (path / VERSION_FILE).write_text(version)


def test_an_index_of_an_older_schema_serves_until_its_replacement_is_swapped_in(store, tmp_path):
    path = tmp_path / "index"
    index_at_root(path, "4")
    with store.sessions.begin() as session:  # a change the old index does not hold
        retitle(session, "chem", "Kitchen Chemistry")
    worker = backend_at(path)  # a web worker started on the new code
    assert worker.outdated() == f"the search index was built for index schema 4, not {SCHEMA_VERSION}"
    assert found(worker, "green chemistry") == ["bexley/chem"]
    seen_during = []

    def between_batches(done: int, total: int) -> None:
        seen_during.append((worker.count(), found(worker, "green chemistry"), found(worker, "kitchen")))

    scheduler = backend_at(path)
    with store.readers() as session:
        done = reindex_if_needed(session, scheduler, progress=between_batches)
    assert done.startswith("the search index was built for index schema 4")
    assert seen_during and all(seen == (len(COURSES), ["bexley/chem"], []) for seen in seen_during)
    # The worker follows the swap without a restart: the new index, with the store's contents.
    assert found(worker, "kitchen") == ["bexley/chem"] and found(worker, "green chemistry") == []
    assert worker.outdated() is None and worker.count() == len(COURSES)
    live = (path / POINTER_FILE).read_text()
    assert live.startswith(f"{SCHEMA_VERSION}-") and (path / live / "meta.json").exists()
    assert not (path / "meta.json").exists()  # the old index's files are gone
    with store.readers() as session:
        assert reindex_if_needed(session, scheduler) is None


def test_an_older_schema_lacking_fields_still_answers_the_words_and_the_filters_it_can(tmp_path):
    keep = FIELD_NAMES - {"facet_combo", "pathways", "title_key", CATCH_ALL}
    schema = tantivy.SchemaBuilder()
    schema.add_text_field("id", stored=True, fast=True, tokenizer_name="raw")
    schema.add_bytes_field("source", stored=True)
    schema.add_text_field("title", tokenizer_name=ANALYZER_NAME, index_option="position")
    schema.add_text_field("learning_outcomes", tokenizer_name=ANALYZER_NAME, index_option="freq")
    schema.add_text_field("provider_id", tokenizer_name="raw")
    index_at_root(tmp_path / "index", "3", schema.build(), keep)
    old = backend_at(tmp_path / "index")
    assert not old.live.complete
    # The words on the title and the outcomes it has (the catch-all is missing).
    assert set(found(old, "machine learning")) == {"aldport/ml-intro", "aldport/ml-adv", "carrow/maths-ml"}
    # Filters on fields it has apply, the others cannot; no facets (their columns are missing).
    result = old.search(SearchQuery("", Filters(provider=("carrow",), pathway=("pg-ds",)), today=TODAY))
    assert result.total == sum(1 for provider, _ in COURSES if provider == "carrow") and result.facets == {}


def test_the_schema_field_list_names_every_field_of_the_schema(tmp_path):
    backend = backend_at(tmp_path / "index")
    meta = orjson.loads((backend.live.path / "meta.json").read_bytes())
    assert {field["name"] for field in meta["schema"]} == FIELD_NAMES


WRITER = """
import sys
from pathlib import Path
from directory.catalogue.vocab import vocabularies
from directory.db import make_engine, make_sessionmaker
from directory.indexing import index_courses
from directory.search.tantivy_backend import TantivyBackend
from tests.directory.search.catalogue_fixture import retitle

url, index_dir = sys.argv[1], Path(sys.argv[2])
engine = make_engine(url)
with make_sessionmaker(engine).begin() as session:
    key = retitle(session, "accounting", "Accounting for Founders")
backend = TantivyBackend(index_dir, vocabularies(Path("config/vocab")), heap_size=50_000_000, writer_threads=1)
with make_sessionmaker(engine, writer=False)() as session:
    index_courses(session, backend, [key])
"""


def test_a_writer_in_another_process_during_the_rebuild_is_replayed(store, tmp_path):
    path = tmp_path / "index"
    backend = backend_at(path)
    with store.readers() as session:
        reindex(session, backend)

    def between_batches(done: int, total: int) -> None:
        if done == 10:  # accounting (course 8) was read: only the journal can bring its change
            subprocess.run(
                [sys.executable, "-c", WRITER, store.settings.sqlalchemy_url, str(path)],
                cwd=ROOT, check=True, env={**os.environ, "PYTHONPATH": str(ROOT)},
            )
            assert found(backend, "founders") == ["bexley/accounting"]  # the live index took the write

    with store.readers() as session:
        reindex(session, backend, progress=between_batches, batch=10)
    hits = backend.search(SearchQuery("accounting", today=TODAY)).hits
    assert [h.title for h in hits] == ["Accounting for Founders"]


def test_one_rebuild_at_a_time_and_a_dead_ones_claim_is_taken_over(store, tmp_path):
    backend = backend_at(tmp_path / "index")
    started = utcnow()
    held = journal.claim(store.engine, started)  # another process's rebuild, running
    with store.readers() as session:
        with pytest.raises(RebuildRunning):
            reindex(session, backend, now=lambda: started + timedelta(minutes=1))
        assert backend.count() == 0
        # Silent for longer than STALE_AFTER: it died; the next rebuild takes its claim over.
        later = started + journal.STALE_AFTER + timedelta(seconds=1)
        assert reindex(session, backend, now=lambda: later) == len(COURSES)
    assert backend.count() == len(COURSES)
    with pytest.raises(RebuildLost):
        journal.touch(store.engine, held, utcnow())


def test_a_rebuild_whose_claim_was_taken_over_or_that_fails_changes_nothing(store, tmp_path):
    path = tmp_path / "index"
    backend = backend_at(path)
    with store.readers() as session:
        reindex(session, backend)
    live = (path / POINTER_FILE).read_text()
    with store.sessions.begin() as session:
        retitle(session, "chem", "Kitchen Chemistry")

    def taken_over(done: int, total: int) -> None:
        journal.claim(store.engine, utcnow() + journal.STALE_AFTER * 2)

    def failing(done: int, total: int) -> None:
        raise RuntimeError("the store went away")

    with store.readers() as session:
        with pytest.raises(RebuildLost):
            reindex(session, backend, progress=taken_over, batch=10)
    with store.sessions.begin() as session:
        session.query(journal.SearchRebuild).delete()
    with store.readers() as session:
        with pytest.raises(RuntimeError):
            reindex(session, backend, progress=failing, batch=10)
    assert (path / POINTER_FILE).read_text() == live
    assert sorted(p.name for p in path.iterdir() if p.is_dir()) == [live]  # the new folders were dropped
    assert found(backend, "green chemistry") == ["bexley/chem"] and backend.count() == len(COURSES)
    with store.readers() as session:  # and the next rebuild runs
        index_courses(session, backend, [("bexley", "chem")])
        assert reindex(session, backend) == len(COURSES)
    assert found(backend, "kitchen") == ["bexley/chem"]


def test_an_empty_index_is_filled_from_the_store_and_a_full_one_left_alone(store, tmp_path):
    backend = backend_at(tmp_path / "index")
    with store.readers() as session:
        filled = reindex_if_needed(session, backend)
        assert filled == f"the search index was empty: {len(COURSES)} courses indexed from the store"
        assert reindex_if_needed(session, backend) is None
    assert backend.count() == len(COURSES)

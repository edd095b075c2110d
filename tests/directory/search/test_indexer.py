"""Indexing from a real SQLite database into a real tantivy index."""

from __future__ import annotations

from pathlib import Path

import pytest

import directory.catalogue.models  # noqa: F401  (complete metadata)
from directory.catalogue.models import Course, CourseStatus, CourseVersion, Provider
from directory.catalogue.vocab import vocabularies
from directory.db import Base, make_engine, make_sessionmaker
from directory.indexing import index_courses, reindex
from directory.search.query import SearchQuery
from directory.search.tantivy_backend import TantivyBackend
from tests.directory.search.catalogue_fixture import COURSES, PROVIDERS, TODAY

VOCAB = vocabularies(Path(__file__).resolve().parents[3] / "config" / "vocab")


@pytest.fixture
def session(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'catalogue.db'}")
    Base.metadata.create_all(engine)
    with make_sessionmaker(engine)() as session:
        with session.begin():
            for provider_id, name in PROVIDERS.items():
                session.add(Provider(id=provider_id, name=name))
            session.flush()
            for provider_id, content in COURSES:
                add_course(session, provider_id, content)
        yield session
    engine.dispose()


@pytest.fixture
def backend(tmp_path):
    backend = TantivyBackend(tmp_path / "index", VOCAB, heap_size=50_000_000, writer_threads=1)
    backend.ensure_index()
    yield backend
    backend.close()


def add_course(session, provider_id, content, status=CourseStatus.ACTIVE):
    course = Course(
        provider_id=provider_id, course_id=content["id"], status=status, title=content["title"], source_hash="x"
    )
    session.add(course)
    session.flush()
    version = CourseVersion(course_pk=course.pk, content_hash="h", content=content, completeness=1.0, missing=[])
    session.add(version)
    session.flush()
    course.current_version_id = version.id
    return course


def found(backend, text=""):
    return [h.id for h in backend.search(SearchQuery(text, per_page=100, today=TODAY, facets=False)).hits]


def test_reindex_indexes_every_active_course_in_batches(session, backend):
    seen = []
    assert reindex(session, backend, progress=lambda done, total: seen.append((done, total)), batch=10) == len(COURSES)
    assert backend.count() == len(COURSES)
    assert seen == [(10, 25), (20, 25), (25, 25)]
    assert found(backend, "green chemistry") == ["bexley/chem"]


def test_reindex_leaves_out_withdrawn_courses(session, backend):
    with session.begin():
        session.get(Course, 1).status = CourseStatus.WITHDRAWN
    assert reindex(session, backend) == len(COURSES) - 1
    assert "aldport/ml-intro" not in found(backend)


def test_index_courses_upserts_active_and_deletes_withdrawn_or_missing(session, backend):
    reindex(session, backend)
    session.rollback()  # end the read transaction reindex began
    with session.begin():
        chem = session.query(Course).filter_by(course_id="chem").one()
        chem.status = CourseStatus.WITHDRAWN
        python = session.query(Course).filter_by(course_id="python").one()
        version = CourseVersion(
            course_pk=python.pk, content_hash="h2", completeness=1.0, missing=[],
            content={**python.current_version.content, "title": "Programming in Rust"},
        )
        session.add(version)
        session.flush()
        python.current_version_id = version.id
    upserted, deleted = index_courses(
        session, backend, [("bexley", "chem"), ("aldport", "python"), ("nobody", "ghost")], batch=2
    )
    assert (upserted, deleted) == (1, 2)
    assert found(backend, "chemistry") == []
    assert found(backend, "rust") == ["aldport/python"]
    assert backend.count() == len(COURSES) - 1


def test_a_second_backend_on_the_same_folder_sees_new_commits_without_reopening(session, backend, tmp_path):
    reader = TantivyBackend(tmp_path / "index", VOCAB)
    reader.ensure_index()
    assert reader.count() == 0
    reindex(session, backend)
    assert reader.count() == len(COURSES)
    assert found(reader, "green chemistry") == ["bexley/chem"]

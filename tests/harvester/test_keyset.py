"""Keyset pages (harvester.keyset): every row once, in key order, a page per statement, never OFFSET."""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, event, insert, select
from sqlalchemy.orm import Session

from harvester.keyset import keyset_rows

metadata = MetaData()
courses = Table("courses", metadata, Column("pk", Integer, primary_key=True), Column("feed", String))


def test_keyset_pages_read_every_row_once_in_key_order_without_offset():
    engine = create_engine("sqlite://")
    metadata.create_all(engine)
    statements: list[tuple[str, tuple]] = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append((args[2], tuple(args[3]))))
    with Session(engine) as session:
        session.execute(insert(courses), [{"pk": pk, "feed": "a" if pk % 3 else "b"} for pk in range(1, 11)])
        statements.clear()
        rows = list(keyset_rows(session, select(courses.c.pk).where(courses.c.feed == "a"), courses.c.pk, size=2))
    assert [row.pk for row in rows] == [pk for pk in range(1, 11) if pk % 3]
    assert len(statements) == 4  # 7 rows, 2 a page: the last page short
    assert all("LIMIT" in sql and "courses.pk > ?" in sql for sql, _ in statements[1:])
    # SQLite's dialect always writes "LIMIT ? OFFSET ?"; the offset is 0 on every page: nothing skipped.
    assert all(params[-1] == 0 for sql, params in statements if "OFFSET" in sql)

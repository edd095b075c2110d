"""Reading a table that grows with the catalogue in keyset pages: ``WHERE key > last ORDER BY key LIMIT n``,
never all at once and never by OFFSET (which reads and drops every row before the page)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy import Row, Select
from sqlalchemy.orm import Session

PAGE_SIZE = 1000  # rows per statement


def keyset_rows(session: Session, statement: Select, key: Any, *, size: int = PAGE_SIZE) -> Iterator[Row]:
    """Every row of ``statement`` in ascending ``key`` (a unique column ``statement`` selects, such as a
    primary key), fetched ``size`` rows per statement. Iterate it while the session is open; rows added
    meanwhile with a key above the last page's are read too."""
    last = None
    while True:
        page = statement.order_by(key).limit(size)
        rows = session.execute(page if last is None else page.where(key > last)).all()
        yield from rows
        if len(rows) < size:
            return
        last = rows[-1]._mapping[key]

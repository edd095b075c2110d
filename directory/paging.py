"""Pages of a list: by number (``page``, an OFFSET, kept for the clients that use it) or by an opaque
``cursor`` (keyset: ``WHERE (key) > (last key) ORDER BY key LIMIT n``), so that a deep page costs an index
seek instead of reading and dropping every row before it.

Every list is ordered by ``Key``: columns ending with a unique one (the tie-breaker), so the order is
total and a walk by cursors returns every row once, in order, even while rows are added before the place
it has reached. Both kinds of page answer ``next_cursor``, the position after their last row (``None`` on
the last page), so a client can start by number and go on by cursor.

A cursor is the last row's key values, with the list's name, as base64url JSON: opaque to clients, never
trusted (a cursor that does not decode to this list's key is ``BadCursor``, a 400).
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from sqlalchemy import Select, and_, or_, tuple_
from sqlalchemy.orm import Session

from .errors import BadCursor


@dataclass(frozen=True)
class Page:
    total: int
    page: int | None  # None when the page was asked for by cursor
    per_page: int
    results: list[Any]
    next_cursor: str | None = None


@dataclass(frozen=True)
class Key:
    """A list's order: ``columns`` (the last one unique), each ascending unless named in ``descending``,
    and ``of``, which reads the key values off one selected row."""

    name: str
    columns: Sequence[Any]
    of: Callable[[Any], Sequence[Any]]
    descending: frozenset[int] = frozenset()

    def order_by(self) -> list[Any]:
        return [column.desc() if index in self.descending else column
                for index, column in enumerate(self.columns)]

    def after(self, values: Sequence[Any]) -> Any:
        """Rows after ``values`` in this order."""
        if len(self.columns) == 1:
            return self.columns[0] < values[0] if self.descending else self.columns[0] > values[0]
        if not self.descending:
            return tuple_(*self.columns) > tuple_(*values)
        if len(self.descending) == len(self.columns):
            return tuple_(*self.columns) < tuple_(*values)
        # Mixed directions: (a, b) after (x, y) is a past x, or a at x and b past y.
        alternatives = []
        for index, column in enumerate(self.columns):
            past = column < values[index] if index in self.descending else column > values[index]
            alternatives.append(and_(*[c == v for c, v in zip(self.columns[:index], values[:index], strict=True)], past))
        return or_(*alternatives)


def encode_cursor(key: Key, values: Sequence[Any]) -> str:
    return base64.urlsafe_b64encode(orjson.dumps([key.name, list(values)])).decode().rstrip("=")


def decode_cursor(key: Key, cursor: str) -> list[Any]:
    try:
        name, values = orjson.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (ValueError, TypeError, binascii.Error):
        raise BadCursor("cursor is not one this API gave") from None
    if name != key.name or not isinstance(values, list) or len(values) != len(key.columns) \
            or not all(isinstance(v, str | int | float) and not isinstance(v, bool) for v in values):
        raise BadCursor(f"cursor is not a position in the {key.name} list")
    return values


def page_of(session: Session, statement: Select, key: Key, *, total: int, page: int = 1, per_page: int = 20,
            cursor: str | None = None, scalars: bool = True) -> Page:
    """One page of ``statement`` in ``key``'s order: after ``cursor`` when given (``page`` then ignored),
    else the ``page``-th. ``scalars``: the statement selects one entity (else whole rows are returned)."""
    statement = statement.order_by(*key.order_by()).limit(per_page + 1)  # one more: is there a next page?
    if cursor is not None:
        statement = statement.where(key.after(decode_cursor(key, cursor)))
    else:
        statement = statement.offset((page - 1) * per_page)
    found = session.scalars(statement).all() if scalars else session.execute(statement).all()
    rows = list(found[:per_page])
    next_cursor = encode_cursor(key, key.of(rows[-1])) if len(found) > per_page else None
    return Page(total, None if cursor is not None else page, per_page, rows, next_cursor)

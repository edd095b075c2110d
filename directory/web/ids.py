"""Database ids in URLs and in API parameters: the one bound every id the web layer accepts is held to.

Every id column is a 32-bit signed ``INTEGER`` (PostgreSQL's; SQLite's is wider), so an id outside
1..``MAX_ID`` names nothing. Asking the database for one anyway fails there ("integer out of range", a
500), so the web layer answers it first, the same way on both databases:

- in a path (``<id:agreement_id>``, the ``id`` converter registered on the app): 404, as for any id that
  names nothing;
- in a query string or a body (``id_field()``): 400, a problem naming the parameter, like any other
  value outside its documented range.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from marshmallow import fields, validate
from werkzeug.routing import IntegerConverter

MAX_ID = 2**31 - 1


class IdConverter(IntegerConverter):
    """``<id:name>``: a database id, 1 to ``MAX_ID``; anything else does not match the route (404)."""

    def __init__(self, map, **kwargs: Any) -> None:  # noqa: A002 (werkzeug's name)
        super().__init__(map, min=1, max=MAX_ID)


def id_field(minimum: int = 1, **kwargs: Any) -> fields.Integer:
    """An integer parameter naming a database row (or a keyset position: ``minimum=0``), 400 outside
    ``minimum``..``MAX_ID``; documented with those bounds."""
    return fields.Integer(validate=validate.Range(min=minimum, max=MAX_ID), **kwargs)


def register(app: Flask) -> None:
    """Make ``<id:...>`` available to every blueprint's routes (call before registering them)."""
    app.url_map.converters["id"] = IdConverter

"""Checks of raw values as feeds send them (JSON numbers, strings, lists, objects): the pieces the course
schema (``catalogue.schema``) and the pathway schema (``pathways.schema``) build their fields from.

A check returns the value cleaned or raises: ``ValidationError`` with marshmallow's own message where a
field would report it, ``ValueError`` where the caller words the error itself (numbers, integers).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from marshmallow import ValidationError

Errors = dict[Any, Any]


def one_of_message(allowed: tuple[str, ...]) -> str:
    """marshmallow's words for a value outside ``allowed``."""
    return f"Must be one of: {', '.join(allowed)}."


def json_number(value: Decimal) -> int | float:
    """A JSON-friendly number: whole values as int."""
    return int(value) if value == value.to_integral_value() else float(value)


def finite_decimal(value: Any) -> Decimal:
    """A JSON number or numeric string as a Decimal; ValueError for anything else (true and false, NaN and
    infinity included)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        raise ValueError
    number = Decimal(str(value).strip())
    if not number.is_finite():
        raise ValueError
    return number


def whole_number(value: Any) -> int:
    """An integer, a float with no fraction or a string of digits as an int; ValueError otherwise."""
    if isinstance(value, bool):
        raise ValueError
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str) and value.strip().lstrip("-").isdigit():
        return int(value.strip())
    raise ValueError


def non_empty_text(value: Any) -> str | None:
    """A string with something in it besides spaces, or None."""
    return value if isinstance(value, str) and value.strip() else None


def require_mapping(value: Any) -> Mapping[str, Any]:
    """``value`` when it is a JSON object."""
    if not isinstance(value, Mapping):
        raise ValidationError("Not a valid mapping type.")
    return value


def require_list(value: Any) -> list[Any]:
    """``value`` when it is a JSON array."""
    if not isinstance(value, list):
        raise ValidationError("Not a valid list.")
    return value


def each_item(value: Any, check: Callable[[Any], Any], *, min_items: int = 0) -> list[Any]:
    """Apply ``check`` to every item of a list; errors by index, as marshmallow's List does."""
    items = require_list(value)
    if len(items) < min_items:
        raise ValidationError(f"Shorter than minimum length {min_items}.")
    result, errors = [], {}
    for index, item in enumerate(items):
        try:
            result.append(check(item))
        except ValidationError as exc:
            errors[index] = exc.messages
    if errors:
        raise ValidationError(errors)
    return result


def raise_if_any(errors: Errors) -> None:
    """Raise the errors collected for an object's fields, if there are any."""
    if errors:
        raise ValidationError(errors)


def iso_date(value: Any) -> date:
    """An ISO 8601 date, or the date part of a date-time."""
    if not isinstance(value, str):
        raise ValidationError("Not a valid date.")
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        raise ValidationError("Not a valid date.") from None


def identifier(value: Any, *, max_length: int = 200) -> str:
    """A course or provider id as feeds write them: a non-empty string, or a number (UKPRNs often are)."""
    if isinstance(value, bool) or not isinstance(value, str | int):
        raise ValidationError("Not a valid string.")
    text = str(value).strip()
    if not text:
        raise ValidationError("Shorter than minimum length 1.")
    if len(text) > max_length:
        raise ValidationError(f"Longer than maximum length {max_length}.")
    return text

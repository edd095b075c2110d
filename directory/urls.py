"""Is this a web address we may store and link to? The one rule for every URL a feed, a form or an API
call gives us (course, apply, provider, pathway, webhook addresses), and for every stored URL a page
puts into ``href``.

Only absolute ``http`` and ``https`` addresses with a host pass, without spaces or control characters:
``javascript:``, ``data:``, ``vbscript:``, ``file:`` and scheme-relative (``//host``) addresses never do,
whatever their case or the characters a browser would skip in front of or inside the scheme.

Whether the instance may *call* an address (no private networks) is ``directory.outbound``'s question;
this one is only about what it is safe to store and show.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from marshmallow import ValidationError, validate

WEB_SCHEMES = frozenset({"http", "https"})
MAX_LENGTH = 2000
# Browsers drop ASCII tab and newlines anywhere in a URL and strip leading controls and spaces, so
# "java\tscript:" is javascript:. Refuse every whitespace and control character instead of guessing.
_UNSAFE_CHARACTERS = re.compile(r"[\s\x00-\x1f\x7f]")
# The host's shape (names, IP literals, ports) as marshmallow judges it.
_well_formed = validate.URL(relative=False, schemes=set(WEB_SCHEMES), require_tld=False)


def web_url_problem(value: Any) -> str | None:
    """Why ``value`` is not an absolute http(s) web address, or None when it is one."""
    if not isinstance(value, str):
        return "not a string"
    if not value:
        return "empty"
    if len(value) > MAX_LENGTH:
        return f"longer than {MAX_LENGTH} characters"
    if _UNSAFE_CHARACTERS.search(value):
        return "contains spaces or control characters"
    try:
        parts = urlsplit(value)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError on a port that is not a number
    except ValueError:
        return "not a valid URL"
    if parts.scheme.lower() not in WEB_SCHEMES:
        return f"scheme {parts.scheme + ':' if parts.scheme else '(none)'} is not http or https"
    if not host:
        return "has no host"
    try:
        _well_formed(value)
    except ValidationError:
        return "not a valid URL"
    return None


def is_web_url(value: Any) -> bool:
    return web_url_problem(value) is None


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def url_refusal(value: Any) -> str | None:
    """The sentence a quarantine entry or a 400 answer shows for a refused ``value`` (naming the value and
    the reason), or None when ``value`` is an absolute http(s) address."""
    problem = web_url_problem(value)
    return None if problem is None else f"{_shown(value)} is not a web address (http or https): {problem}"


class WebUrl:
    """A marshmallow validator: ``validate=web_url`` on every URL field of every schema."""

    def __call__(self, value: Any) -> Any:
        refusal = url_refusal(value)
        if refusal is not None:
            raise ValidationError(refusal)
        return value


web_url = WebUrl()


def safe_url(value: Any) -> str:
    """``value`` when a page may link to it, else "" (the template then leaves the link out): absolute
    http(s) addresses (``is_web_url``) and paths on this site ("/..." but not "//host"). Used as the
    ``safe_url`` template filter on every stored URL rendered into ``href`` or ``src``, so a value stored
    before the rule (or past it) can never become a ``javascript:`` link."""
    if not isinstance(value, str):
        return ""
    if is_web_url(value):
        return value
    if value.startswith("/") and not value.startswith(("//", "/\\")) and not _UNSAFE_CHARACTERS.search(value):
        return value
    return ""

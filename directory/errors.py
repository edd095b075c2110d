"""Every exception of Climbing Frame, in one tree (the model is httpx's ``_exceptions.py``).

Raised anywhere in the house; each is answered once, in the web layer (``directory.web.problems``), as an
RFC 9457 problem document (``application/problem+json``, never a trace; a page in plain words for people),
and the commands turn them into a message and an exit status. This module is the ground floor: it imports
nothing from the project, so every package may import it.

    Exception
    ├── DomainError ............ a service refuses what it was asked; answered with the class's ``status``
    │   │                        and ``title``, ``detail`` and any ``extra`` members; a command prints
    │   │                        ``detail`` and exits 1
    │   ├── Invalid ............ 400  the input cannot be used (services, schemas, forms)
    │   │   ├── ProfileError ... 400  a mapping profile refused, naming key and line; harvester.mapping
    │   │   └── BadCursor ...... 400  a list's ``cursor`` this API did not give for that list; directory.paging
    │   ├── Forbidden .......... 403  the caller may not do this; directory.identity, the services
    │   ├── NotFound ........... 404  no such thing (or not one the caller may see)
    │   ├── Conflict ........... 409  the store's state does not allow it now (a version moved, a run holds
    │   │   │                         the feed, a name is taken)
    │   │   ├── RebuildRunning . 409  another rebuild of the search index holds the claim;
    │   │   │                         directory.search.journal, search.tantivy_backend
    │   │   └── IllegalTransition 409 the action is not allowed from the current state; directory.workflow
    │   ├── PreconditionRequired 428  a write of the exchange's API without ``If-Match``; exchange.web.api
    │   └── AuditUnavailable ... 503  the audit log has no key or its chain does not check out: audited
    │                                 changes are refused; exchange.audit (``audit verify``/``seal`` exit 2)
    ├── SearchUnavailable (RuntimeError)
    │                            503  the search engine cannot be reached or refused; search.elastic.
    │                                 With ``Retry-After``; the engine's words go to the log only
    ├── RebuildLost (RuntimeError)
    │                            503  this rebuild's claim was taken over while it was silent: its index
    │                                 is not swapped in; directory.search.journal (``reindex`` stops, exit 1)
    ├── AddressRefused ......... 400  an outbound URL we may not call (not http(s), no host, or a private
    │                                 address); directory.outbound. Where a member registers an address
    │                                 (feeds, webhooks, identity providers) it is turned into ``Invalid``
    │                                 naming the URL; a webhook delivery records it as the attempt's error
    ├── VocabularyError (ValueError)
    │                            400  a value not in the vocabulary it claims (level framework, credit
    │                                 scheme, subject code); directory.catalogue.vocab. The schema and
    │                                 profile readers turn it into a field problem or ``ProfileError``
    ├── PolicyError (ValueError) 400  a listing policy naming an unknown field or dropping a floor field;
    │                                 directory.catalogue.listing. Read from the settings it becomes a
    │                                 ``SettingsError``, from a profile a ``ProfileError``
    ├── FeedError .............. 400  a feed document that cannot be used at all; harvester.formats
    │                                 adapters and harvester.sections. A harvest records it as the run's
    │                                 failure (nothing changes); the dry run answers ``Invalid``
    ├── FetchError ............. 502  a feed could not be fetched (``reason``, and ``status``: the HTTP
    │   │                             status the feed's server answered, if any); harvester.fetch. A
    │   │                             harvest records it as the run's failure; the dry run's fetch
    │   │                             answers ``Invalid`` (400)
    │   └── _TransientFetchError      a failure worth another try; private to harvester.fetch, never
    │                                 leaves it
    └── SettingsError (ValueError)    a setting whose value cannot be used; directory.settings. Not an
                                      HTTP error: settings are read at start-up, before anything is
                                      served, so ``create_app`` and the ``climbing-frame`` command stop
                                      (exit 1) naming the setting and its ``CF_*`` variable

The classes with a second base (``RuntimeError``, ``ValueError``) keep it because callers catch them by
it: a ``ValueError`` from a parser and a ``VocabularyError`` are the same refusal to the schema's checks.
"""

from __future__ import annotations

# Outside DomainError first: they carry no status of their own (FetchError's ``status`` is the feed
# server's), so directory.web.problems gives each its problem document.


class SearchUnavailable(RuntimeError):
    """The engine cannot be reached or refused the request."""


class RebuildLost(RuntimeError):
    """This rebuild's claim was taken over (it was silent for ``STALE_AFTER``): it must not swap."""


class AddressRefused(Exception):
    """The URL may not be called. ``reason`` is human readable (``'refused: scheme 'file' is not http or
    https'``, ``'cannot resolve feed.example: ...'``, ``'refused: feed.example resolves to private address
    10.0.0.1'``) and is also the exception's text."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class VocabularyError(ValueError):
    """A value is not in the vocabulary it claims to come from."""


class PolicyError(ValueError):
    """A policy naming a field the record does not have, or dropping one no course can be listed without."""


class FeedError(Exception):
    """The document cannot be used at all; nothing from it may change the catalogue."""


class FetchError(Exception):
    """Feed could not be fetched.

    ``reason`` is human readable and says why (``'HTTP 404 Not Found'``, ``'connection refused'``,
    ``'read timeout after 60s'``, ``'body larger than 536870912 bytes'``, ``'too many redirects (6)'``,
    ``'refused: feed.example resolves to private address 10.0.0.1'``, ``'truncated body: 500 of 1000
    bytes'``); ``status`` is the HTTP status if one was received, else None.
    """

    def __init__(self, reason: str, status: int | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.status = status


class SettingsError(ValueError):
    """A setting has a value that cannot be used."""


class DomainError(Exception):
    """Base of every error a service reports to its caller."""

    status = 400
    title = "Bad request"

    def __init__(self, detail: str, **extra) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class Invalid(DomainError):
    status = 400
    title = "Invalid input"


class BadCursor(Invalid):
    """A ``cursor`` that does not decode to a position in the list it was sent to."""

    title = "Invalid cursor"


class ProfileError(Invalid):
    """A profile refused: ``key`` is the dotted key at fault, ``line`` its line in the text (None when the
    profile came without text)."""

    def __init__(self, source: str, key: str, line: int | None, problem: str) -> None:
        where = f"line {line}, " if line is not None else ""
        super().__init__(f"{source}: {where}{key}: {problem}", key=key, line=line)
        self.key, self.line, self.problem = key, line, problem


class NotFound(DomainError):
    status = 404
    title = "Not found"


class Forbidden(DomainError):
    status = 403
    title = "Forbidden"


class PreconditionRequired(DomainError):
    """A write that must name the version it read (``If-Match``) did not."""

    status = 428
    title = "Precondition required"


class AuditUnavailable(DomainError):
    """The audit log cannot be written: no key, or the chain does not check out. Changes that must be
    audited are refused until an operator looks (``climbing-frame audit verify``)."""

    status = 503
    title = "Audit log unavailable"


class Conflict(DomainError):
    status = 409
    title = "Conflict"


class RebuildRunning(Conflict):
    """Another rebuild holds the claim."""


class IllegalTransition(Conflict):
    """The action is not allowed from the current state (see directory.workflow)."""

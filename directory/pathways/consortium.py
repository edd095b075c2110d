"""Consortium pathways, added and withdrawn by administrators: on the admin pages, or on the command line
as the operator. Members' pathways come from their feeds instead.

Each change is saved in one transaction, then the search index follows the store (the pathway
annotations of every course the pathway names, before and after): a change that fails indexes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import sessionmaker

from ..catalogue.service import ChangeSet
from ..db import utcnow
from ..errors import Forbidden
from ..identity.identity import Identity
from . import service

IndexChanges = Callable[[ChangeSet], None]


@dataclass(frozen=True)
class Saved:
    pathway_id: str
    state: str  # "added", "changed" or "unchanged"
    reindexed: int  # courses whose search annotations were brought up to date


def add(sessions: sessionmaker, index_changes: IndexChanges, caller: Identity, raw: Mapping[str, Any]) -> Saved:
    """Add or replace a consortium pathway (Invalid, Conflict or NotFound as ``service`` says)."""
    _administrator(caller)
    with sessions.begin() as session:
        pathway, changes = service.save_consortium_pathway(session, raw, utcnow())
        pathway_id, awarding = pathway.id, pathway.awarding_provider_id
    if changes.course_keys:
        index_changes(ChangeSet(awarding, reindex=sorted(changes.course_keys)))
    state = "added" if changes.added else ("changed" if changes.changed else "unchanged")
    return Saved(pathway_id, state, len(changes.course_keys))


def withdraw(sessions: sessionmaker, index_changes: IndexChanges, caller: Identity, pathway_id: str) -> int:
    """Withdraw a consortium pathway; returns how many courses were re-indexed."""
    _administrator(caller)
    with sessions.begin() as session:
        awarding = service.get_pathway(session, pathway_id).awarding_provider_id
        changes = service.withdraw_consortium_pathway(session, pathway_id, utcnow())
    if changes.course_keys:
        index_changes(ChangeSet(awarding, reindex=sorted(changes.course_keys)))
    return len(changes.course_keys)


def _administrator(caller: Identity) -> None:
    if not caller.is_admin:
        raise Forbidden("only consortium administrators add or withdraw consortium pathways")

"""Who recognises whom: the agreements in force (and suspended ones) as a grid of receiving member by
source member, read from each agreement's version in force (a pending amendment shows once every party
approved it)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy.orm import Session

from directory.identity.identity import Identity

from .lifecycle import AgreementState
from .service import in_force_version, list_agreements

SHOWN = (AgreementState.ACTIVE, AgreementState.SUSPENDED)


@dataclass(frozen=True)
class Recognition:
    agreement_id: int
    title: str
    state: AgreementState
    kind: str


@dataclass(frozen=True)
class Matrix:
    members: tuple[str, ...]  # every member named by a shown agreement, sorted
    cells: dict[tuple[str, str], tuple[Recognition, ...]]  # (receiver, source) -> agreements

    def at(self, receiver: str, source: str) -> tuple[Recognition, ...]:
        return self.cells.get((receiver, source), ())


def recognition_matrix(session: Session, actor: Identity) -> Matrix:
    """Receiving member x source member for every active or suspended agreement the caller may read."""
    cells: dict[tuple[str, str], list[Recognition]] = defaultdict(list)
    members: set[str] = set()
    for state in SHOWN:
        after = None
        while batch := list_agreements(session, actor, state=state, after=after, limit=500):
            after = batch[-1].id
            for agreement in batch:
                content = in_force_version(agreement).content
                scope, terms = content.get("scope") or {}, content.get("terms") or {}
                receivers = terms.get("receiving_orgs") or content["parties"]
                sources = scope.get("source_providers") or content["parties"]
                item = Recognition(agreement.id, content["title"], agreement.state, content["kind"])
                members.update(content["parties"], receivers, sources)
                for receiver in receivers:
                    for source in sources:
                        if receiver != source:
                            cells[(receiver, source)].append(item)
    return Matrix(tuple(sorted(members)),
                  {key: tuple(sorted(items, key=lambda r: r.agreement_id)) for key, items in cells.items()})

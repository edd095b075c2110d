"""The demo's awards and agreements (``config/demo/exchange.toml``), registered through the exchange's
services as staff would: each award by ``register_award``; each agreement drafted, proposed, and approved
for every party in turn, which puts it in force. Running it again changes nothing."""

from __future__ import annotations

import tomllib
from decimal import Decimal
from pathlib import Path

from sqlalchemy.orm import Session

from directory.identity.identity import OPERATOR
from exchange.agreements import service as agreements
from exchange.agreements.terms import AgreementContent, AgreementKind, Recognition, Scope, Terms
from exchange.awards import AwardSpec, register_award


def _content(entry: dict) -> AgreementContent:
    cap = entry.get("max_credit_per_learner")
    return AgreementContent(
        title=entry["title"], kind=AgreementKind(entry["kind"]), parties=tuple(entry["parties"]),
        scope=Scope(eqf_levels=tuple(entry.get("eqf_levels", ()))),
        terms=Terms(recognition=Recognition(entry["recognition"]),
                    max_credit_per_learner=Decimal(cap) if cap is not None else None),
        valid_from=entry["valid_from"], valid_until=entry.get("valid_until"))


def _existing(session: Session, content: AgreementContent):
    for agreement in agreements.list_agreements(session, OPERATOR, org_id=content.parties[0], limit=1000):
        _, current = agreements.read_agreement(session, OPERATOR, agreement.id)
        if current.content.title == content.title and set(current.content.parties) == set(content.parties):
            return agreement
    return None


def set_up(session: Session, path: Path) -> tuple[int, list[int]]:
    """Register the file's awards and agreements; (awards registered, ids of the agreements in force)."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    for entry in data.get("award", []):
        register_award(session, OPERATOR, AwardSpec(entry["org"], entry["code"], entry["title"],
                                                    Decimal(entry["credit"]), entry["level"]))
    in_force = []
    for entry in data.get("agreement", []):
        content = _content(entry)
        agreement = _existing(session, content)
        if agreement is None:
            agreement = agreements.create(session, OPERATOR, content)
            agreements.propose(session, OPERATOR, agreement.id)
            # An administrator approves for each party by name: the approval is recorded as that party's.
            for party in content.parties:
                agreements.approve(session, OPERATOR, agreement.id, agreement.current.terms_hash, org_id=party)
        in_force.append(agreement.id)
    return len(data.get("award", [])), in_force

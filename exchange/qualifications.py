"""Qualifications offered by members' feeds, and the awards register: member staff confirm or dismiss each.

The harvester offers every record it recognises as a whole qualification (directory.catalogue.
qualifications); here staff of that member (the ``agreements`` permission, as for awards) decide:

- **confirm**: the offer becomes an award of the awards register (exchange.awards), so pathways and transfer
  requests can name it: its code the feed's id of the qualification (or one staff choose), its title, its
  total credit in CATS and its EQF level. When the member has an award of the same title already, the
  offer is to link to it rather than make a second one: confirming names that award (``link``) and leaves
  it as it is, or names a new code (a confirmation that would duplicate the title is refused, saying so).
- **dismiss**: not an award of ours (a feed's marketing page, an award taught elsewhere). A dismissed offer
  can still be confirmed later; a confirmed one cannot be dismissed, since requests may name its award.

When the feed changes a confirmed qualification (its title, credit or level) the award is not changed
automatically: the offer shows what the feed says now beside what was confirmed (``changed``), and staff
confirm it again to carry the change over. An award's total credit and level are what the share-of-award
cap and the level check of transfer requests read; a feed edit must not move them under decisions being
made without a person seeing it.

Who may: staff of the offering member with ``agreements``, or administrators; anyone else asking for an
offer is told it does not exist (404), so one member cannot learn another's.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from directory.catalogue import qualifications as offers
from directory.catalogue.qualifications import OfferState, QualificationOffer
from directory.catalogue.vocab import CREDIT_SCHEMES, credit_in_cats, eqf_level
from directory.errors import Conflict, Invalid, NotFound, VocabularyError
from directory.identity.identity import Identity
from directory.workflow import transition

from . import audit
from .awards import Award


class OfferAction(enum.Enum):
    CONFIRM = "confirm"
    DISMISS = "dismiss"


TRANSITIONS = {
    # Confirming again carries the feed's changes over to the award.
    OfferAction.CONFIRM: (frozenset({OfferState.OFFERED, OfferState.DISMISSED, OfferState.CONFIRMED}),
                          OfferState.CONFIRMED),
    OfferAction.DISMISS: (frozenset({OfferState.OFFERED}), OfferState.DISMISSED),
}

READ = ("agreements:read", "agreements:approve")  # either lets staff see their offers
APPROVE = "agreements:approve"


@dataclass(frozen=True)
class OfferView:
    """An offer with what the register makes of it: the award it became, or one of the same title."""

    offer: QualificationOffer
    award: Award | None  # the award it was confirmed as, or linked to
    same_title: Award | None  # an award of the member with this title, not yet linked: offer to link
    # What stops it becoming an award as the feed gives it (no level, credit in an unmapped scheme), in words.
    blocked: str | None
    total_cats: Decimal | None
    eqf: int | None


def list_offers(session: Session, actor: Identity, org_id: str, state: OfferState | None = None) -> list[OfferView]:
    """The member's offers, those waiting for a decision first (its staff, or administrators)."""
    actor.check("agreements:read", org_id)
    awards = {a.id: a for a in session.scalars(select(Award).where(Award.org_id == org_id))}
    by_title = {_title_key(a.title): a for a in sorted(awards.values(), key=lambda a: a.code)}
    return [_view(o, awards, by_title) for o in offers.list_offers(session, org_id, state)]


def get_offer(session: Session, actor: Identity, offer_id: int) -> OfferView:
    offer = _visible(session, actor, offer_id)
    awards = {a.id: a for a in session.scalars(select(Award).where(Award.org_id == offer.provider_id))}
    by_title = {_title_key(a.title): a for a in sorted(awards.values(), key=lambda a: a.code)}
    return _view(offer, awards, by_title)


def confirm(session: Session, actor: Identity, offer_id: int, *, code: str | None = None, link: str | None = None,
            now: datetime) -> OfferView:
    """Make the offer an award (``code``: its code, the feed's id by default) or link it to the member's award
    ``link``. Invalid when the feed gives no level or credit the register can use; Conflict when the code is
    taken or an award of the same title exists (name it as ``link``, or choose another code)."""
    offer = _visible(session, actor, offer_id, for_update=True)
    actor.check(APPROVE, offer.provider_id)
    state = transition(TRANSITIONS, offer.state, OfferAction.CONFIRM)
    before = _audited(offer)
    if link:
        award = _award(session, offer.provider_id, link)
    elif offer.award_id is not None and offer.state is OfferState.CONFIRMED:
        award = session.get(Award, offer.award_id)  # confirmed again: the feed's values carried over
        if award is None:
            raise Conflict("the award this offer was confirmed as is gone; confirm it with a code or link it")
        _fill(award, offer)
    else:
        award = _new_award(session, offer, (code or offer.qualification_id).strip())
    offer.state, offer.award_id = state, award.id
    offer.confirmed_values = offer.values()
    offer.decided_at, offer.decided_by = now, actor.actor[:100]
    session.flush()
    _audit(session, actor, offer, "confirm", before, now)
    return get_offer(session, actor, offer.id)


def dismiss(session: Session, actor: Identity, offer_id: int, *, now: datetime) -> OfferView:
    """Not an award of the register; the decision stands when the feed offers it again."""
    offer = _visible(session, actor, offer_id, for_update=True)
    actor.check(APPROVE, offer.provider_id)
    before = _audited(offer)
    offer.state = transition(TRANSITIONS, offer.state, OfferAction.DISMISS)
    offer.decided_at, offer.decided_by = now, actor.actor[:100]
    session.flush()
    _audit(session, actor, offer, "dismiss", before, now)
    return get_offer(session, actor, offer.id)


def award_values(offer: QualificationOffer) -> tuple[Decimal | None, int | None, str | None]:
    """(total CATS, EQF level, why it cannot be an award or None), from what the feed gives."""
    cats = eqf = None
    problems = []
    if offer.credit_value is None:
        problems.append("the feed gives no total credit")
    elif offer.credit_system not in CREDIT_SCHEMES:
        problems.append(f"its credit is in the feed's own scheme {offer.credit_scheme!r}, which the feed's mapping "
                        f"profile does not map to CATS or ECTS yet "
                        f"([feed.mapping.credit_schemes.{_toml_key(offer.credit_scheme or '')}])")
    elif offer.credit_value <= 0:
        problems.append("its total credit is 0")
    else:
        cats = credit_in_cats(offer.credit_value, offer.credit_system)
    if offer.level_framework is None or offer.level_value is None:
        problems.append("the feed gives no level and its title names no award whose level we know")
    else:
        try:
            eqf = eqf_level(offer.level_framework, offer.level_value)
        except VocabularyError as exc:
            problems.append(str(exc))
    return cats, eqf, "; ".join(problems) or None


def _view(offer: QualificationOffer, awards: dict[int, Award], by_title: dict[str, Award]) -> OfferView:
    award = awards.get(offer.award_id) if offer.award_id is not None else None
    same = by_title.get(_title_key(offer.title)) if award is None else None
    cats, eqf, blocked = award_values(offer)
    return OfferView(offer, award, same, blocked, cats, eqf)


def _visible(session: Session, actor: Identity, offer_id: int, *, for_update: bool = False) -> QualificationOffer:
    """The offer, when the caller may see it: staff of its member, administrators. Anyone else: NotFound."""
    offer = session.get(QualificationOffer, offer_id) if not for_update else \
        session.scalar(select(QualificationOffer).where(QualificationOffer.id == offer_id).with_for_update())
    if offer is None or not (actor.is_admin or (actor.allows_any(*READ) and actor.org_id == offer.provider_id)):
        raise NotFound(f"no qualification offer {offer_id}")
    return offer


def _award(session: Session, org_id: str, code: str) -> Award:
    award = session.scalar(select(Award).where(Award.org_id == org_id, Award.code == code))
    if award is None:
        raise Invalid(f"organisation {org_id!r} has no award {code!r} to link to",
                      invalid_params=[{"name": "link", "reason": "no such award"}])
    return award


def _new_award(session: Session, offer: QualificationOffer, code: str) -> Award:
    if not code or len(code) > 100:
        raise Invalid("an award code is 1 to 100 characters; the feed's id does not fit, so choose one",
                      invalid_params=[{"name": "code", "reason": "1 to 100 characters"}])
    taken = session.scalar(select(Award).where(Award.org_id == offer.provider_id, Award.code == code))
    if taken is not None:
        raise Conflict(f"the member has an award {code!r} already ({taken.title}): link the offer to it, or "
                       "choose another code")
    same = session.scalar(select(Award).where(Award.org_id == offer.provider_id,
                                              func.lower(Award.title) == offer.title.lower()))
    if same is not None:
        raise Conflict(f"the member has an award of this title already ({same.code}: {same.title}): link the "
                       f"offer to it rather than make a second one, or choose another title in the feed")
    award = Award(org_id=offer.provider_id, code=code)
    _fill(award, offer)
    session.add(award)
    session.flush()
    return award


def _fill(award: Award, offer: QualificationOffer) -> None:
    cats, eqf, blocked = award_values(offer)
    if blocked is not None:
        raise Invalid(f"cannot make {offer.title!r} an award as the feed gives it: {blocked}")
    award.title, award.total_credit, award.level = offer.title[:300], cats, eqf


def _title_key(title: str) -> str:
    return " ".join(title.casefold().split())


def _toml_key(label: str) -> str:
    return '"' + label.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _audited(offer: QualificationOffer) -> dict:
    return {"state": offer.state.value, "award_id": offer.award_id}


def _audit(session: Session, actor: Identity, offer: QualificationOffer, action: str, before: dict,
           now: datetime) -> None:
    audit.lock(session)
    audit.append(session, actor=actor.actor, entity="qualification_offer", entity_id=offer.id,
                 action=action, before=before, after=_audited(offer), at=now)

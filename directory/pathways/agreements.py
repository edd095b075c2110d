"""Whether an agreement covers credit the awarding member has to recognise: the one question the planner
asks the credit exchange.

The directory is the lower layer, so it declares the question (``AgreementLookup``) and the exchange
answers it with an implementation wired in the composition root (``climbing_frame/app.py``). Until it does,
``NoAgreementInformation`` answers every question with "no agreement information".
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol

from ..credit import Achievement


class Coverage(enum.Enum):
    COVERED = "covered"  # an agreement in force covers this credit towards this award
    NOT_COVERED = "not_covered"  # agreements are known, none covers it: the member decides case by case
    UNKNOWN = "unknown"  # no agreement information


@dataclass(frozen=True)
class AgreementAnswer:
    coverage: Coverage
    words: str
    agreement_id: int | None = None
    agreement_title: str | None = None
    award_code: str | None = None  # the awarding member's award the pathway leads to, when the register has it


class AgreementLookup(Protocol):
    def coverage(self, *, achievement: Achievement, awarding_provider_id: str, pathway_id: str) -> AgreementAnswer:
        """Does an agreement in force let ``awarding_provider_id`` recognise this credit towards the pathway?
        The answer is the one a transfer request for the pathway's award would get (its pre-assessment)."""
        ...


class NoAgreementInformation:
    """The answer while the exchange provides no lookup."""

    ANSWER = AgreementAnswer(Coverage.UNKNOWN, "no agreement information: the awarding member decides on the "
                                               "transfer request")

    def coverage(self, *, achievement: Achievement, awarding_provider_id: str, pathway_id: str) -> AgreementAnswer:
        return self.ANSWER

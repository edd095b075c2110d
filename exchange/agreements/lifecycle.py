"""An agreement's lifecycle as data.

draft -> proposed -> active (when every party has approved the current terms) -> suspended / expired /
terminated. Amending a proposed agreement makes a new version and keeps it proposed. Amending an active or
suspended agreement makes a new, pending version and leaves the state alone: the version in force stays in
force (and public) until every party has approved the new terms, which then come into force (nobody is
held to terms they did not approve). Decisions already made keep citing the version they used. Suspending
and terminating act on the agreement as a whole, pending amendment or not.
"""

from __future__ import annotations

import enum

from directory.workflow import transition as _transition


class AgreementState(enum.Enum):
    DRAFT = "draft"
    PROPOSED = "proposed"
    ACTIVE = "active"
    SUSPENDED = "suspended"
    EXPIRED = "expired"
    TERMINATED = "terminated"


class AgreementAction(enum.Enum):
    EDIT = "edit"
    PROPOSE = "propose"
    AMEND = "amend"
    ACTIVATE = "activate"
    SUSPEND = "suspend"
    RESUME = "resume"
    EXPIRE = "expire"
    TERMINATE = "terminate"


S = AgreementState
TRANSITIONS: dict[AgreementAction, tuple[frozenset[AgreementState], AgreementState]] = {
    AgreementAction.EDIT: (frozenset({S.DRAFT}), S.DRAFT),
    AgreementAction.PROPOSE: (frozenset({S.DRAFT}), S.PROPOSED),
    # Amending what is in force is no move: see ``after_amend``.
    AgreementAction.AMEND: (frozenset({S.PROPOSED}), S.PROPOSED),
    AgreementAction.ACTIVATE: (frozenset({S.PROPOSED}), S.ACTIVE),
    AgreementAction.SUSPEND: (frozenset({S.ACTIVE}), S.SUSPENDED),
    AgreementAction.RESUME: (frozenset({S.SUSPENDED}), S.ACTIVE),
    AgreementAction.EXPIRE: (frozenset({S.PROPOSED, S.ACTIVE, S.SUSPENDED}), S.EXPIRED),
    AgreementAction.TERMINATE: (frozenset({S.DRAFT, S.PROPOSED, S.ACTIVE, S.SUSPENDED}), S.TERMINATED),
}

FINAL = frozenset({S.EXPIRED, S.TERMINATED})
# An amendment of these leaves the state as it is: the version in force stays until the next is approved.
IN_FORCE = frozenset({S.ACTIVE, S.SUSPENDED})


def transition(state: AgreementState, action: AgreementAction) -> AgreementState:
    """The state after ``action``; IllegalTransition when the action is not allowed from ``state``."""
    return _transition(TRANSITIONS, state, action)


def after_amend(state: AgreementState) -> AgreementState:
    """The state after an amendment: unchanged for an agreement in force (active or suspended), proposed
    for a proposal; IllegalTransition otherwise (a draft is edited, a finished agreement is not changed)."""
    return state if state in IN_FORCE else transition(state, AgreementAction.AMEND)

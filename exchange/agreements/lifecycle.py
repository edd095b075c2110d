"""An agreement's lifecycle as data.

draft -> proposed -> active (when every party has approved the current terms) -> suspended / expired /
terminated. Amending a proposed, active or suspended agreement makes a new version and takes it back to
proposed: the new terms are in force only when every party has approved them (nobody is held to terms
they did not approve), while decisions already made keep citing the version they used.
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
    AgreementAction.AMEND: (frozenset({S.PROPOSED, S.ACTIVE, S.SUSPENDED}), S.PROPOSED),
    AgreementAction.ACTIVATE: (frozenset({S.PROPOSED}), S.ACTIVE),
    AgreementAction.SUSPEND: (frozenset({S.ACTIVE}), S.SUSPENDED),
    AgreementAction.RESUME: (frozenset({S.SUSPENDED}), S.ACTIVE),
    AgreementAction.EXPIRE: (frozenset({S.PROPOSED, S.ACTIVE, S.SUSPENDED}), S.EXPIRED),
    AgreementAction.TERMINATE: (frozenset({S.DRAFT, S.PROPOSED, S.ACTIVE, S.SUSPENDED}), S.TERMINATED),
}

FINAL = frozenset({S.EXPIRED, S.TERMINATED})


def transition(state: AgreementState, action: AgreementAction) -> AgreementState:
    """The state after ``action``; IllegalTransition when the action is not allowed from ``state``."""
    return _transition(TRANSITIONS, state, action)

"""A transfer request's workflow as data.

submitted -> pre_assessed -> accepted / changed / refused. The learner may withdraw before a decision
and appeal once after it; an appeal is decided (by a different member of staff) into accepted / changed /
refused again. "Once" is a fact about the request's past, so the service checks it (``appealed_at``).
"""

from __future__ import annotations

import enum

from directory.workflow import transition as _transition


class RequestState(enum.Enum):
    SUBMITTED = "submitted"
    PRE_ASSESSED = "pre_assessed"
    ACCEPTED = "accepted"
    CHANGED = "changed"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"
    APPEALED = "appealed"


class RequestAction(enum.Enum):
    PRE_ASSESS = "pre_assess"
    ACCEPT = "accept"
    CHANGE = "change"
    REFUSE = "refuse"
    WITHDRAW = "withdraw"
    APPEAL = "appeal"


S = RequestState
OPEN = frozenset({S.SUBMITTED, S.PRE_ASSESSED, S.APPEALED})  # waiting for staff
DECIDED = frozenset({S.ACCEPTED, S.CHANGED, S.REFUSED})
DECIDABLE = frozenset({S.PRE_ASSESSED, S.APPEALED})  # waiting for a decision

TRANSITIONS: dict[RequestAction, tuple[frozenset[RequestState], RequestState]] = {
    RequestAction.PRE_ASSESS: (frozenset({S.SUBMITTED}), S.PRE_ASSESSED),
    RequestAction.ACCEPT: (DECIDABLE, S.ACCEPTED),
    RequestAction.CHANGE: (DECIDABLE, S.CHANGED),
    RequestAction.REFUSE: (DECIDABLE, S.REFUSED),
    RequestAction.WITHDRAW: (frozenset({S.SUBMITTED, S.PRE_ASSESSED}), S.WITHDRAWN),
    RequestAction.APPEAL: (DECIDED, S.APPEALED),
}


def transition(state: RequestState, action: RequestAction) -> RequestState:
    return _transition(TRANSITIONS, state, action)

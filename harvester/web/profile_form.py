"""What the mapping profile form says after a save, shared by the member's and the administrators' pages."""

from __future__ import annotations

from ..publishing import ProfileChange


def profile_saved_message(change: ProfileChange) -> str:
    if not change.changed:
        return "The profile is the same as the stored one: nothing changed."
    if change.deferred:
        return f"Profile saved. A run of the feed is under way ({change.deferred}), so the next run sorts with it."
    if change.run is None:
        return "Profile saved. No run has read a document of this feed yet: its first harvest uses the profile."
    run = change.run
    listed = (run.new or 0) + (run.changed or 0) + (run.unchanged or 0)
    parts = [f"Profile saved and the last document sorted again (run {run.id}): {listed} courses listed, "
             f"{run.quarantined or 0} quarantined"]
    if change.listed_before is not None:
        gained = listed - change.listed_before
        if gained > 0:
            parts.append(f"{gained} courses listed again")
        elif gained < 0:
            parts.append(f"{-gained} fewer courses listed")
        else:
            parts.append("as many courses listed as before")
    return "; ".join(parts) + "."

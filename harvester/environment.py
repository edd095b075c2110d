"""What a harvest run needs from the composition root (``HarvestEnvironment``), its progress callback, and
the environment taken from the deployment's ``Instance``: its sessions, settings and vocabularies, and the
index following every commit (``Instance.index_changes``, which is ``directory.indexing``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import sessionmaker

from directory.catalogue import service as catalogue
from directory.catalogue.vocab import Vocabularies
from directory.db import utcnow
from directory.instance import Instance
from directory.settings import Settings


@dataclass(frozen=True)
class HarvestEnvironment:
    """What a run needs from the composition root."""

    sessions: sessionmaker
    readers: sessionmaker
    settings: Settings
    vocab: Vocabularies
    # Called after each commit that changed the catalogue (the search index follows it).
    on_changes: Callable[[catalogue.ChangeSet], None] = lambda changes: None
    # Every time a run reads or stamps (leases, reports, last seen); tests pass their own.
    clock: Callable[[], datetime] = utcnow


Progress = Callable[[int, int | None], None]  # (items done so far, total or None)


def harvest_environment(instance: Instance) -> HarvestEnvironment:
    return HarvestEnvironment(instance.sessions, instance.readers, instance.settings, instance.vocab,
                              on_changes=instance.index_changes)

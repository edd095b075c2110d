"""A harvest's environment taken from the deployment's ``Instance``: its sessions, settings and vocabularies,
and the index following every commit (``Instance.index_changes``, which is ``directory.indexing``)."""

from __future__ import annotations

from directory.instance import Instance

from .pipeline import HarvestEnvironment


def harvest_environment(instance: Instance) -> HarvestEnvironment:
    return HarvestEnvironment(instance.sessions, instance.readers, instance.settings, instance.vocab,
                              on_changes=instance.index_changes)

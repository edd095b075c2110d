"""Facet counts of recent searches, kept for one index snapshot.

The counts of a search depend only on its words, its filters and the index snapshot: not on the page or
the order. A learner turning pages, changing the order or coming back to a search asks for the same
counts again, so they are kept until the next commit, like Elasticsearch's shard request cache keeps
aggregation-only requests until the next refresh. Entries are few kilobytes; the least recently used go
first. The owner keeps one cache per index snapshot and drops it with the snapshot.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

Value = TypeVar("Value")


class FacetCache(Generic[Value]):
    """A bounded, thread-safe least-recently-used map; ``size`` 0 keeps nothing."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._entries: OrderedDict[Hashable, Value] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> Value | None:
        with self._lock:
            value = self._entries.get(key)
            if value is not None:
                self._entries.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Value) -> None:
        if self.size <= 0:
            return
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.size:
                self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)

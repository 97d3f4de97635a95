"""The bounded caches of the search path: cachetools' LRU cache behind a lock, with two rules of ours.

cachetools keeps the least-recently-used order and the size bound (``getsizeof``: a count or
bytes) but is not thread-safe, and ``kb serve`` searches from several threads; it also lets one
entry fill the whole cache. So: every call takes the lock, a value costing more than a quarter of
the capacity is not kept (one huge posting list cannot flush everything else), and ``put`` keeps
what is there (the first of two threads computing the same value wins); ``replace`` overwrites.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from typing import Any

import cachetools


class LRUCache:
    """Keeps the most recently used values while their summed ``cost`` stays within ``capacity``.

    ``cost`` defaults to 1 per value (a count bound).
    """

    def __init__(self, capacity: int, cost: Callable[[Any], int] | None = None):
        self.capacity = capacity
        self.cost = cost or (lambda value: 1)
        self.lock = threading.Lock()
        self._cache = cachetools.LRUCache(capacity, getsizeof=self.cost)

    @property
    def used(self) -> int:
        """The summed cost of the values held."""
        return self._cache.currsize

    def keys(self) -> list[Hashable]:
        """The keys held, least recently used first."""
        with self.lock:
            return list(self._cache.keys())

    def _too_large(self, value: Any) -> bool:
        size = self.cost(value)
        return size > 1 and size > max(1, self.capacity // 4)

    def get(self, key: Hashable):
        with self.lock:
            return self._cache.get(key)

    def put(self, key: Hashable, value: Any) -> None:
        """Keep ``value`` under ``key`` unless a value is there already (that one is kept)."""
        if self._too_large(value):
            return
        with self.lock:
            if key in self._cache:
                self._cache[key]  # noqa: B018 (a read marks it recently used)
            else:
                self._cache[key] = value

    def replace(self, key: Hashable, value: Any) -> None:
        """Put ``value`` under ``key``, dropping what was there."""
        too_large = self._too_large(value)
        with self.lock:
            self._cache.pop(key, None)
            if not too_large:
                self._cache[key] = value

    def clear(self) -> None:
        with self.lock:
            self._cache.clear()

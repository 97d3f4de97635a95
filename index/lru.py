"""A small thread-safe least-recently-used cache, bounded by a total cost (count or bytes)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any


class LRUCache:
    """Keeps the most recently used values while their summed ``cost`` stays within ``capacity``.

    ``cost`` defaults to 1 per value (a count bound). A value costing more than a quarter of the
    capacity is not kept, so one huge entry cannot flush everything else.
    """

    def __init__(self, capacity: int, cost: Callable[[Any], int] | None = None):
        self.capacity = capacity
        self.cost = cost or (lambda value: 1)
        self.used = 0
        self.lock = threading.Lock()
        self.items: OrderedDict[Hashable, Any] = OrderedDict()

    def get(self, key: Hashable):
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def put(self, key: Hashable, value: Any) -> None:
        size = self.cost(value)
        if size > max(1, self.capacity // 4) and size > 1:
            return
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return
            self.items[key] = value
            self.used += size
            while self.used > self.capacity and self.items:
                _, old = self.items.popitem(last=False)
                self.used -= self.cost(old)

    def replace(self, key: Hashable, value: Any) -> None:
        """Put ``value`` under ``key``, dropping what was there."""
        with self.lock:
            old = self.items.pop(key, None)
            if old is not None:
                self.used -= self.cost(old)
        self.put(key, value)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()
            self.used = 0

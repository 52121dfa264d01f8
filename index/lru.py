"""A least-recently-used memo bounded by item count and by an estimate of the bytes it holds."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator
from typing import Any

Weight = int | Callable[[Any], int] | None  # bytes, or a function of the value giving them
DEFAULT_WEIGHT = 1024  # bytes assumed for a value whose size nobody estimated (small tables, score maps)


def weight_of(value: Any) -> int:
    """Bytes and text weigh their length; anything else weighs DEFAULT_WEIGHT unless it says (`weight`)."""
    if isinstance(value, (bytes, str)):
        return len(value)
    return int(getattr(value, "weight", DEFAULT_WEIGHT))


class LRU:
    """Values by key; the least recently used go first when there are more than `max_items` or their weights
    add up to more than `max_bytes` (the newest value always stays)."""

    def __init__(self, max_items: int, max_bytes: int):
        self.max_items = max_items
        self.max_bytes = max_bytes
        self.bytes = 0
        self._items: OrderedDict[Any, tuple[Any, int]] = OrderedDict()

    def __contains__(self, key: Any) -> bool:
        return key in self._items

    def __len__(self) -> int:
        return len(self._items)

    def __iter__(self) -> Iterator[Any]:
        return iter(list(self._items))

    def __delitem__(self, key: Any) -> None:
        _value, weight = self._items.pop(key)
        self.bytes -= weight

    def get(self, key: Any) -> Any:
        """The value kept for `key` (KeyError if none), now the most recently used."""
        self._items.move_to_end(key)
        return self._items[key][0]

    def get_or_compute(self, key: Any, compute: Callable[[], Any], weight: Weight = None) -> Any:
        """The value kept for `key`, else `compute()` kept with its weight (estimated when not given)."""
        if key in self._items:
            return self.get(key)
        value = compute()
        self.put(key, value, weight)
        return value

    def put(self, key: Any, value: Any, weight: Weight = None) -> None:
        """Keep `value` for `key`, dropping the least recently used past the bounds."""
        if key in self._items:
            del self[key]
        w = weight_of(value) if weight is None else weight(value) if callable(weight) else weight
        self._items[key] = (value, w)
        self.bytes += w
        while len(self._items) > 1 and (len(self._items) > self.max_items or self.bytes > self.max_bytes):
            _key, (_value, dropped) = self._items.popitem(last=False)
            self.bytes -= dropped

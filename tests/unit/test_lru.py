"""The per-snapshot memo: least recently used first out, bounded by count and by bytes."""

from __future__ import annotations

from index.lru import DEFAULT_WEIGHT, LRU


def test_bounded_by_count_least_recently_used_first() -> None:
    lru = LRU(max_items=3, max_bytes=10**9)
    for key in "abc":
        lru.put(key, key.encode())
    assert lru.get("a") == b"a"  # now the most recent
    lru.put("d", b"d")
    assert list(lru) == ["c", "a", "d"]


def test_bounded_by_bytes_with_weights_from_the_value_or_given() -> None:
    lru = LRU(max_items=100, max_bytes=100)
    lru.put("text", "x" * 60)
    lru.put("blob", b"y" * 30)
    assert lru.bytes == 90
    lru.put("object", {"k": 1}, weight=lambda value: 20)
    assert "text" not in lru and lru.bytes == 50
    lru.put("nominal", object())
    assert lru.bytes == DEFAULT_WEIGHT and list(lru) == ["nominal"]  # the newest stays even when too big


def test_get_or_compute_computes_once_and_deletion_frees_its_weight() -> None:
    lru = LRU(max_items=10, max_bytes=10**6)
    calls: list[int] = []
    for _ in range(3):
        assert lru.get_or_compute("k", lambda: calls.append(1) or b"value") == b"value"
    assert calls == [1] and len(lru) == 1
    del lru["k"]
    assert lru.bytes == 0 and "k" not in lru

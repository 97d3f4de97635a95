from index.lru import LRUCache


def test_the_least_recently_used_value_goes_first():
    cache = LRUCache(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "b" is now the oldest
    cache.put("c", 3)
    assert cache.get("b") is None and cache.get("a") == 1 and cache.get("c") == 3


def test_a_cost_bound_keeps_the_sum_within_capacity_and_refuses_huge_values():
    cache = LRUCache(100, cost=len)
    cache.put("small", "x" * 20)
    cache.put("huge", "x" * 60)  # more than a quarter of the capacity: not kept
    assert cache.get("huge") is None and cache.get("small")
    for n in range(10):
        cache.put(n, "x" * 20)
    assert cache.used <= 100


def test_replace_swaps_the_value_and_its_cost():
    from index.lru import LRUCache

    cache = LRUCache(100, cost=len)
    cache.put("a", "xxxx")
    cache.put("a", "ignored: the key is there")
    assert cache.get("a") == "xxxx"
    cache.replace("a", "yyyyyyyy")
    assert cache.get("a") == "yyyyyyyy" and cache.used == 8

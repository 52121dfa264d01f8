"""Timing and memory helpers: latency summaries, time-bounded loops, resident memory."""

from __future__ import annotations

import resource
import statistics
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

T = TypeVar("T")


def summary(seconds: list[float]) -> dict[str, Any]:
    """n, median, p99 and mean in milliseconds (None when nothing ran)."""
    if not seconds:
        return {"n": 0, "median_ms": None, "p99_ms": None, "mean_ms": None}
    ordered = sorted(seconds)
    p99 = ordered[min(len(ordered) - 1, round(0.99 * (len(ordered) - 1)))]
    return {"n": len(ordered), "median_ms": round(statistics.median(ordered) * 1000, 4),
            "p99_ms": round(p99 * 1000, 4), "mean_ms": round(statistics.fmean(ordered) * 1000, 4)}


def run_bounded(items: Iterable[T], call: Callable[[T], Any], budget: float,
                before: Callable[[], Any] | None = None) -> list[float]:
    """Time `call(item)` for each item, one after another, until the items or `budget` seconds run out.

    `before` runs untimed before each call (for example clearing a cache). At least one item always runs."""
    times: list[float] = []
    deadline = time.monotonic() + budget
    for item in items:
        if before is not None:
            before()
        start = time.perf_counter()
        call(item)
        times.append(time.perf_counter() - start)
        if time.monotonic() > deadline:
            break
    return times


class Stopwatch:
    """`with Stopwatch() as sw: ...` then `sw.seconds`."""

    seconds = 0.0

    def __enter__(self) -> Stopwatch:
        self._start = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.seconds = time.perf_counter() - self._start


def rss_mb() -> float:
    """This process's resident memory now, in MiB (Linux /proc; 0 elsewhere)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as handle:
            pages = int(handle.read().split()[1])
    except (OSError, ValueError, IndexError):
        return 0.0
    return round(pages * resource.getpagesize() / 1048576, 1)


def peak_rss_mb(children: bool = False) -> float:
    """Peak resident memory so far of this process (or of its waited-for children), in MiB."""
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    return round(resource.getrusage(who).ru_maxrss / 1024, 1)

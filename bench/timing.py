"""Timing helpers shared by the benchmarks: samples in milliseconds, p50/p95 against a budget."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def timed(fn: Callable[[], object], rounds: int, warmup: int = 3) -> list[float]:
    """Milliseconds of ``rounds`` calls of ``fn``, after ``warmup`` calls not counted."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return samples


def report(name: str, samples: list[float], budget: float | None, width: int = 44) -> None:
    """One line: count, p50, p95 and the verdict against ``budget`` (p95, ms)."""
    samples = sorted(samples)
    p50 = statistics.median(samples)
    p95 = samples[max(0, int(len(samples) * 0.95) - 1)]
    verdict = (
        "" if budget is None else ("  OK" if p95 <= budget else f"  OVER BUDGET ({budget:g} ms)")
    )
    print(f"{name:<{width}} n={len(samples):<4} p50={p50:8.1f} ms  p95={p95:8.1f} ms{verdict}")

"""Helpers shared by the benchmarks: timing, percentiles and a plain-text table."""

from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Callable, Iterable, Sequence

ROOT = Path(__file__).resolve().parents[1]


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100) by linear interpolation."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    position = (len(ordered) - 1) * q / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def summary_ms(seconds: Sequence[float]) -> dict:
    """Median and p95 in milliseconds of a list of durations in seconds."""
    ms = [s * 1000 for s in seconds]
    return {"median_ms": statistics.median(ms), "p95_ms": percentile(ms, 95), "n": len(ms)}


def timed(fn: Callable[[], object], repeat: int) -> list[float]:
    durations = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        durations.append(time.perf_counter() - start)
    return durations


def apptest_rerun_times(page: str, changes: Iterable[Callable], repeat: int = 50, timeout: float = 60,
                        query: dict | None = None) -> dict:
    """Median and p95 (wall and CPU) of a page's rerun after a widget change, measured with AppTest.

    ``changes`` are callables ``change(at, i)`` that set a widget on the
    AppTest ``at`` for rerun number ``i`` (cycled); the time measured is the
    rerun that follows, the server-side cost of one slider move. ``query``
    is the link's query string (for example the page's open section).
    """
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / page), default_timeout=timeout)
    for name, value in (query or {}).items():
        at.query_params[name] = value
    at.run()
    if at.exception:
        raise RuntimeError(f"{page} raised: {at.exception[0].message}")
    changes = list(changes)
    wall, cpu = [], []
    for i in range(repeat):
        changes[i % len(changes)](at, i)
        start, start_cpu = time.perf_counter(), time.process_time()
        at.run()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
        if at.exception:
            raise RuntimeError(f"{page} raised: {at.exception[0].message}")
    # CPU time (this process, all threads) is the page's own cost and barely moves when other work
    # shares the cores; wall time is what a student waits for.
    cpu_summary = summary_ms(cpu)
    return {**summary_ms(wall), "cpu_median_ms": cpu_summary["median_ms"], "cpu_p95_ms": cpu_summary["p95_ms"]}


def table(rows: list[dict], columns: Sequence[str]) -> str:
    """A fixed-width text table of ``rows`` (dicts) with the given columns."""

    def fmt(value):
        if isinstance(value, float):
            return f"{value:,.1f}" if abs(value) >= 10 else f"{value:.3g}"
        return str(value)

    cells = [[fmt(r.get(c, "")) for c in columns] for r in rows]
    widths = [max(len(c), *(len(row[i]) for row in cells)) if cells else len(c) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths))]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths)) for row in cells]
    return "\n".join(lines)

"""A class on one machine: simulated students over Streamlit's WebSocket protocol (see bench/load.py).

Scenarios, each on one plain ``streamlit run`` process and on ``make serve``'s
set-up (one Streamlit process per core behind nginx):

1. ``SLIDER_SESSIONS`` students (default 50) on the math pages, each moving a
   slider every 5 s for ``NNVIZ_LOAD_SECONDS`` (default 60): rerun latency
   p50 / p95 / p99, errors, server CPU (target: p95 < 300 ms, no errors).
2. ``ARRIVALS`` students (default 100) opening the home page or a math page
   within 5 s: first render p50 / p95 / p99 (target: p95 < 5 s).
3. 30 students moving sliders while 20 playgrounds play and one Keras model
   trains (target: slider p95 < 500 ms).
4. The playground and the Keras page: press Play / Train, close the tab, and
   time until the server's CPU is idle again.

Environment: NNVIZ_LOAD_SECONDS, NNVIZ_LOAD_SESSIONS, NNVIZ_LOAD_ARRIVALS,
NNVIZ_LOAD_SETUPS ("single,serve"), NNVIZ_LOAD_BUSY (0 skips scenario 3).
"""

from __future__ import annotations

import os
import time

from bench.common import ROOT, percentile, table
from bench.load import CpuMeter, Server, arrivals, busy_class, freed_after_close, run, sliders

MATH_PAGES = ["perceptron", "activations", "cost_functions", "gradient_descent", "backpropagation"]


def existing(pages: list[str]) -> list[str]:
    return [p for p in pages if (ROOT / "lessons" / f"{p}.py").exists()]


def _row(name: str, setup: str, durations: list[float], stats, cores: float | None,
         client: float | None = None) -> dict:
    ms = [d * 1000 for d in durations]
    return {
        "scenario": name, "setup": setup, "n": len(ms),
        "p50_ms": percentile(ms, 50), "p95_ms": percentile(ms, 95), "p99_ms": percentile(ms, 99),
        "errors": len(stats.errors), "server_cores": "" if cores is None else round(cores, 2),
        "harness_cores": "" if client is None else round(client, 2),
    }


class _ClientMeter:
    """Cores used by this process (the harness itself), to show it is not the bottleneck."""

    def start(self) -> None:
        self._cpu, self._wall = time.process_time(), time.perf_counter()

    def stop(self) -> float:
        return (time.process_time() - self._cpu) / (time.perf_counter() - self._wall)


def _machine_load() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min)"


def run_setup(setup: str, workers: int, seconds: float, n_sliders: int, n_arrivals: int) -> tuple[list, list]:
    rows, notes = [], []
    math = existing(MATH_PAGES)
    with Server(workers=workers) as server:
        meter, client = CpuMeter(server.pids()), _ClientMeter()
        if math:
            # The floor: one student alone moving sliders, one rerun at a time.
            meter.start()
            client.start()
            stats = run(sliders(server.url, math, len(math), interval=0.0, duration=10.0, arrival=0.0,
                                sequential=True))
            rows.append(_row("1 student alone (baseline)", setup, stats.rerun, stats, meter.stop(), client.stop()))
            notes += stats.errors[:5]
            notes.append(f"{setup}: before the class: {_machine_load()}")
            meter.start()
            client.start()
            stats = run(sliders(server.url, math, n_sliders, interval=5.0, duration=seconds))
            rows.append(_row(f"{n_sliders} sliders every 5 s", setup, stats.rerun, stats, meter.stop(),
                             client.stop()))
            notes += stats.errors[:5]
        else:
            notes.append("no math page exists yet: slider scenario skipped")
        meter.start()
        client.start()
        stats = run(arrivals(server.url, [""] + math, n_arrivals, window=5.0))
        rows.append(_row(f"{n_arrivals} arrive within 5 s (first render)", setup, stats.first_render, stats,
                         meter.stop(), client.stop()))
        notes += stats.errors[:5]
        if math and existing(["playground", "keras_training"]) and os.environ.get("NNVIZ_LOAD_BUSY", "1") == "1":
            meter.start()
            client.start()
            stats, info = run(busy_class(server.url, math, 30, playgrounds=20, trainings=1, interval=5.0,
                                         duration=seconds))
            rows.append(_row("30 sliders + 20 playgrounds + 1 Keras training", setup, stats.rerun, stats,
                             meter.stop(), client.stop()))
            notes.append(f"{setup}: busy class: {info['playgrounds']} playgrounds playing "
                         f"({info['ticks']} ticks sent, {info['deflated']} batches compressed), "
                         f"{info['trainings']} Keras training")
            notes += info["errors"][:5] + stats.errors[:5]
        for page, button, busy in (("playground", "▶ Play", 4.0), ("keras_training", "Train", 12.0)):
            if not existing([page]):
                continue
            try:
                freed = run(freed_after_close(server.url, page, button, server.pids(), busy_seconds=busy))
                after = freed["freed_after_s"]
                notes.append(f"{setup}: /{page} after '{button}' used {freed['busy_cores']:.2f} cores; the server "
                             f"was idle {'never (30 s)' if after is None else f'{after:.1f} s'} after the tab closed")
            except Exception as exc:  # report, do not hide the other numbers
                notes.append(f"{setup}: /{page} tab-close measurement failed: {type(exc).__name__}: {exc}")
    return rows, notes


def main() -> None:
    seconds = float(os.environ.get("NNVIZ_LOAD_SECONDS", "60"))
    n_sliders = int(os.environ.get("NNVIZ_LOAD_SESSIONS", "50"))
    n_arrivals = int(os.environ.get("NNVIZ_LOAD_ARRIVALS", "100"))
    setups = os.environ.get("NNVIZ_LOAD_SETUPS", "single,serve").split(",")
    cores = os.cpu_count() or 1
    print(f"math pages: {existing(MATH_PAGES) or 'none yet'}; {seconds:.0f} s of slider moves; "
          f"server CPU in cores (of {cores}); other work on this machine shares the cores")
    rows, notes = [], []
    for setup in setups:
        workers = 0 if setup == "single" else cores
        label = "streamlit run" if setup == "single" else f"make serve ({workers} + nginx)"
        r, n = run_setup(label, workers, seconds, n_sliders, n_arrivals)
        rows += r
        notes += n
    print(table(rows, ["scenario", "setup", "n", "p50_ms", "p95_ms", "p99_ms", "errors", "server_cores",
                       "harness_cores"]))
    for note in notes:
        print("  " + note)


if __name__ == "__main__":
    main()

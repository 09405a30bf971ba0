"""Backpropagation page: server-side rerun time after an edit (AppTest), median and p95.

Budget: a slider move on a math page re-runs in under 50 ms p95.
Each row changes one kind of control and times the rerun that follows: wall
time (what a student waits for) and this process's CPU time (the page's own
cost, much less sensitive to other work sharing the machine). Only the open
section (a lazy tab) runs, so each row opens the section its control is in,
by its link.
"""

from __future__ import annotations

import os

from bench.common import apptest_rerun_times, table

PAGE = "lessons/backpropagation.py"
MAZUR = (0.15, 0.20, 0.25, 0.30, 0.35, 0.35, 0.40, 0.45, 0.50, 0.55, 0.60, 0.60, 0.05, 0.10, 0.01, 0.99)
STAGES = ("forward", "output error", "backpropagate", "gradients", "update")
CHAIN, NETWORK = "A chain of single neurons", "A real network, step by step"


def _chain_slider(at, i):
    at.slider(key="backprop.w1").set_value(round(-2.0 + 0.1 * (i % 40), 1))


def _edit_weight(at, i):
    # What a data-editor edit does: a new tuple of numbers for the network.
    values = list(MAZUR)
    values[0] = round(0.15 + 0.01 * (i + 1), 2)
    at.session_state["backprop.values"] = tuple(values)


def _stage(at, i):
    at.radio(key="backprop.stage").set_value(STAGES[(i + 1) % len(STAGES)])


def _learning_rate(at, i):
    at.select_slider(key="backprop.lr").set_value((0.1, 0.2, 0.5, 1.0)[i % 4])


def main(repeat: int = 40) -> None:
    rows = []
    for name, section, change in [("chain slider w1", CHAIN, _chain_slider),
                                  ("edit a weight (2-2-2)", NETWORK, _edit_weight),
                                  ("step forward→update", NETWORK, _stage),
                                  ("learning rate η", NETWORK, _learning_rate)]:
        rows.append({"edit": name, "section": section,
                     **apptest_rerun_times(PAGE, [change], repeat=repeat, query={"section": section})})
    print(table(rows, ["edit", "section", "median_ms", "p95_ms", "cpu_median_ms", "cpu_p95_ms", "n"]))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"(AppTest, server side only; target p95 < 50 ms. 2 cores shared with other work: "
          f"1-minute load average {load:.1f} during this run.)")


if __name__ == "__main__":
    main()

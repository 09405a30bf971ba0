"""Gradient-descent page: server-side rerun time after a slider change (AppTest), median and p95 over 50 reruns.

Budget: with 3 optimizers × 500 steps racing on Rosenbrock (the page's default),
a rerun after a slider change stays under 50 ms p95. Rows:

Only the open section (a lazy tab) runs, so each row opens the section its slider is in, by its link.

* a slider whose result is new each time (the 1-D learning rate, the arrow-view step; the arrow view's run,
  SGD, momentum, Adam × 500 steps on Rosenbrock, comes from the cache);
* moving back and forth between two learning rates of one racer (both results cached);
* a racer's learning rate set to a value never seen before on every rerun: one 500-step run, the race
  figure and its cost chart rebuilt (the worst case, nothing cached).
"""

from __future__ import annotations


from bench.common import ROOT, apptest_rerun_times, table
from nnviz import descent

PAGE = "lessons/gradient_descent.py"
STOPS = descent.log_options(1e-4, 10.0, per_decade=20)


def _one_weight_lr(at, i):
    at.select_slider(key="gd.lr").set_value(STOPS[10 + i % 80])


def _arrow_step(at, i):
    at.slider(key="gd.arrow_step").set_value(2 + i % 400)


def _sgd_lr_back_and_forth(at, i):
    at.select_slider(key="gd.lr_sgd").set_value((0.002, 0.00178)[i % 2])


def _sgd_lr_new_each_time(at, i):
    # 1e-4 … 1.6e-3 and back up through values the cache has not seen in this process.
    at.select_slider(key="gd.lr_sgd").set_value(STOPS[(i * 7) % 25])


def main(repeat: int = 50) -> None:
    rows = []
    for name, section, change in [
        ("1-D learning rate η", "One weight", _one_weight_lr),
        ("arrow-view step (race cached)", "One step up close", _arrow_step),
        ("SGD η back and forth (cached)", "Two weights: the race", _sgd_lr_back_and_forth),
        ("SGD η new each rerun (race rebuilt)", "Two weights: the race", _sgd_lr_new_each_time),
    ]:
        rows.append({"slider change": name, "section": section,
                     **apptest_rerun_times(PAGE, [change], repeat=repeat, query={"section": section})})
    # A reference measured in the same conditions: the perceptron page (few widgets, 4 charts).
    reference = "lessons/perceptron.py"
    if (ROOT / reference).exists():
        def _x1(at, i):
            at.slider(key="perceptron.x1").set_value(round(-2.0 + 0.1 * (i % 40), 1))

        ref = {"slider change": "reference: perceptron page, input x₁",
               **apptest_rerun_times(reference, [_x1], repeat=repeat)}
        rows.append(ref)
        for row in rows[:-1]:
            row["cpu_vs_ref"] = f"{row['cpu_median_ms'] / ref['cpu_median_ms']:.1f}×"
    print(table(rows, ["slider change", "section", "median_ms", "p95_ms", "cpu_median_ms", "cpu_p95_ms", "cpu_vs_ref", "n"]))
    print("(median_ms / p95_ms: wall time of AppTest reruns; cpu_*: process CPU time of the same reruns "
          "(bench.common); each cache starts cold per AppTest run.)")
    print("(AppTest, server side only, Rosenbrock with SGD + momentum + Adam × 500 steps racing; target p95 "
          "< 50 ms. 2 cores; anything else running on the machine adds noise.)")


if __name__ == "__main__":
    main()

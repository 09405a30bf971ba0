"""The gradient-descent page's cached runs and figures, and the Streamlit pieces its sections draw with.

Runs are frozen dataclasses of read-only arrays, so they are cached as objects (``st.cache_resource``): no copy on
a hit, and nothing can change them in place. Figures are cached the same way (never copied, never mutated, so
frozen: serialised once), keyed by exactly the settings they show, so a rerun only rebuilds the charts whose
inputs changed.
"""

from __future__ import annotations

import streamlit as st

from nnviz import descent, optimizers, surfaces
from nnviz.charts import descent as charts
from nnviz.charts import spec
from nnviz.ui import crash

LONG_RULE = 150  # characters of LaTeX beyond which an update rule is shown a size smaller


# ---------------------------------------------------------------------------- cached results
@st.cache_resource(max_entries=512, show_spinner=False)
def cached_run(surface: str, optimizer: str, start: tuple, steps: int, learning_rate: float, convention: str,
               hyper: tuple) -> descent.Run:
    return descent.run(surface, optimizer, start, steps, learning_rate=learning_rate, convention=convention,
                       **dict(hyper))


@st.cache_resource(max_entries=64, show_spinner=False)
def cached_sweep(surface: str, optimizer: str, start: tuple, steps: int, convention: str,
                 hyper: tuple) -> descent.Sweep:
    return descent.sweep(surface, optimizer, start, steps, convention=convention, **dict(hyper))


@st.cache_resource(max_entries=64, show_spinner=False)
def cached_stochastic(noise: float, seed: int, learning_rate: float, steps: int):
    problem = descent.regression_problem(n_samples=100, noise=noise, seed=seed)
    return problem, descent.stochastic_descent(problem, (None, 1, 8, 32), learning_rate=learning_rate,
                                               steps=steps, seed=seed)


def run(args: tuple, label: str | None = None) -> descent.Run | None:
    """The cached run of ``args`` (see :func:`nnviz.descent.run_args`), or None after saying why it cannot run
    (prefixed with ``label``)."""
    try:
        return cached_run(*args)
    except ValueError as err:
        st.error(str(err) if label is None else f"{label}: {err}")
        return None


def sweep(args: tuple) -> descent.Sweep | None:
    """The cached range test of ``args`` (see :func:`nnviz.descent.sweep_args`), or None after saying why not."""
    try:
        return cached_sweep(*args)
    except ValueError as err:
        st.error(str(err))
        return None


def stochastic(noise: float, seed: int, learning_rate: float, steps: int):
    """The cached line fit and its mini-batch paths, or None after saying why they cannot run."""
    try:
        return cached_stochastic(noise, seed, learning_rate, steps)
    except ValueError as err:
        st.error(str(err))
        return None


# ---------------------------------------------------------------------------- cached figures
@st.cache_resource(max_entries=64, show_spinner=False)
def curve_figures(cost: str, w0: float, lr: float, steps: int):
    """The steps on the curve and the cost per step of plain descent on a cost of one weight."""
    curve, per_step = charts.curve_figures(cached_run(cost, "sgd", (w0,), steps, lr, "paper", ()))
    return spec.frozen(curve), spec.frozen(per_step)


@st.cache_resource(max_entries=32, show_spinner=False)
def race_figures(surface: str, runs: tuple, show_3d: bool):
    """The race chart and the cost-per-step chart for ``runs`` = (cached_run args, ...)."""
    race, per_step = charts.race_figures(surface, [cached_run(*args) for args in runs], show_3d)
    return spec.frozen(race), spec.frozen(per_step)


@st.cache_resource(max_entries=64, show_spinner=False)
def arrow_figure(args: tuple, step: int):
    return spec.frozen(charts.arrow_figure(cached_run(*args), step))


@st.cache_resource(max_entries=32, show_spinner=False)
def sweep_figure(args: tuple, steps: int):
    return spec.frozen(charts.sweep_figure(cached_sweep(*args), steps))


@st.cache_resource(max_entries=32, show_spinner=False)
def stochastic_figures(noise: float, seed: int, learning_rate: float, steps: int):
    paths, per_update = charts.stochastic_figures(*cached_stochastic(noise, seed, learning_rate, steps))
    return spec.frozen(paths), spec.frozen(per_update)


# ---------------------------------------------------------------------------- drawn in several sections
def update_rule(name: str, settings) -> None:
    """Optimizer ``name``'s update rule, in the form (paper or Keras) and with the hyper-parameters set."""
    try:
        rule = optimizers.get(name, convention=descent.convention_of(settings),
                              **dict(descent.hyper_of(name, settings))).latex
    except ValueError as err:
        st.error(str(err))
        return
    # Adam's five updates make one long line: a size smaller it fits the page (a narrow window scrolls it).
    st.latex((r"\small " if len(rule) > LONG_RULE else "") + rule)


def hyper_controls(page, name: str) -> None:
    """Optimizer ``name``'s hyper-parameter widgets (the page's, see :data:`nnviz.descent.HYPER_SETTINGS`): side
    by side, then its ε on a row of its own."""
    fields = descent.HYPER_SETTINGS.get(name, {})
    row = [field for hyper, field in fields.items() if hyper != "epsilon"]
    for field, column in zip(row, st.columns(len(row)) if len(row) > 1 else [None]):
        page.widget(field, column)
    if "epsilon" in fields:
        page.widget(fields["epsilon"])


@crash.guarded
def cost_changed(page) -> None:
    """A new cost of one weight starts from its own suggested start."""
    page["w0"] = surfaces.get(page["cost"]).start[0]


@crash.guarded
def surface_changed(page) -> None:
    """A new surface starts from its own suggested start."""
    page["x0"], page["y0"] = surfaces.get(page["surface"]).start


def start_from_click(page, key: str) -> None:
    """A click on the race's contour map (chart ``key``) becomes the start, as the sliders and the link show it."""
    event = st.session_state.get(key)
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    if points and "x" in points[0] and "y" in points[0]:
        page["x0"], page["y0"] = surfaces.snap_start(surfaces.get(page["surface"]), (points[0]["x"], points[0]["y"]))


def starts_in_their_box(page) -> None:
    """A start outside the box of the cost (surface) it goes with, as a hand-edited link can ask for: moved
    to the box's nearest edge, with a message; each slider can only show its own cost's (surface's) box."""
    cost, surface = surfaces.get(page["cost"]), surfaces.get(page["surface"])
    messages = []
    for name, (low, high), owner in (("w0", cost.bounds[0], cost), ("x0", surface.bounds[0], surface),
                                     ("y0", surface.bounds[1], surface)):
        value = page[name]
        try:
            page.declared[name].check(value, low, high)
        except ValueError as err:
            page[name] = min(max(float(value), low), high)
            messages.append(f"**{page.declared[name].label}**: {err}, the box of {owner.short_label}; "
                            f"its nearest edge {page[name]:g} is used.")
    if messages:
        st.warning("This link's start point lies off the map:\n\n" + "\n".join(f"- {m}" for m in messages))

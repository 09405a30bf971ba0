"""Gradient descent: walk downhill on a cost, with the learning rate and the optimizers to play with."""

from dataclasses import dataclass

import streamlit as st

from nnviz import descent, optimizers, surfaces
from nnviz.charts import descent as charts
from nnviz.charts import spec
from nnviz.ui import chart, crash, settings

PREFIX = "gd"
LR_STOPS = descent.log_options(1e-4, 10.0, per_decade=20)
EPS_STOPS = descent.log_options(1e-10, 0.1, per_decade=1)
RACE_TOLERANCE = 1e-3
LONG_RULE = 150  # characters of LaTeX beyond which an update rule is shown a size smaller
# One topic per screen: only the open section runs and is sent (lazy tabs), which also keeps a rerun cheap.
SECTIONS = ("One weight", "Two weights: the race", "One step up close", "Range test", "Mini-batches")
OPTIMIZER_LABELS = optimizers.LABELS
SURFACE_LABELS = {name: surfaces.get(name).label for name in surfaces.NAMES}
COSTS = {name: SURFACE_LABELS[name] for name in surfaces.NAMES_1D}
SURFACES = {name: SURFACE_LABELS[name] for name in surfaces.NAMES_2D}
# A start point's declared range is the widest over the costs (surfaces); its slider narrows it to the box
# of the cost (surface) on screen.
W0_RANGE = (min(surfaces.get(n).bounds[0][0] for n in surfaces.NAMES_1D),
            max(surfaces.get(n).bounds[0][1] for n in surfaces.NAMES_1D))
X0_RANGE = (min(surfaces.get(n).bounds[0][0] for n in surfaces.NAMES_2D),
            max(surfaces.get(n).bounds[0][1] for n in surfaces.NAMES_2D))
Y0_RANGE = (min(surfaces.get(n).bounds[1][0] for n in surfaces.NAMES_2D),
            max(surfaces.get(n).bounds[1][1] for n in surfaces.NAMES_2D))
KERAS_HELP = ("Use keras.optimizers' exact forms (ε inside the root, AdaGrad's accumulator starting at 0.1, "
              "Adam's ε̂) instead of the papers'.")


def _race_it(default: bool):
    return settings.toggle(default, "race it", widget="checkbox")


def _lr_of(name: str, default: float):
    return settings.log_slider(default, LR_STOPS, f"{OPTIMIZER_LABELS[name]} learning rate η")


def _eps(default: float = 1e-8):
    return settings.log_slider(default, EPS_STOPS, "ε (keeps the division safe)")


@dataclass(frozen=True)
class Settings:
    section: str = settings.choice(SECTIONS[0], SECTIONS, "section", widget="tabs")
    # one weight
    cost: str = settings.choice("parabola", COSTS, "cost C(w)")
    w0: float = settings.slider(-2.0, *W0_RANGE, 0.05, "start w₀")
    lr: float = settings.log_slider(0.1, LR_STOPS, "learning rate η (log scale)")
    steps: int = settings.slider(30, 1, 200, 1, "steps")
    # two weights: the race (its surface, start, hyper-parameters and Keras switch also drive the
    # arrow view and the range test, which are never on screen at the same time as the race)
    surface: str = settings.choice("rosenbrock", SURFACES, "surface")
    x0: float = settings.slider(-1.2, *X0_RANGE, 0.01, "start x₀")
    y0: float = settings.slider(1.0, *Y0_RANGE, 0.01, "start y₀")
    race_steps: int = settings.slider(500, 10, 1000, 10, "steps")
    show_3d: bool = settings.toggle(False, "3-D surface")
    keras: bool = settings.toggle(False, "Keras's formulas", KERAS_HELP)
    optimizer_tab: str = settings.choice("SGD", tuple(OPTIMIZER_LABELS.values()), "optimizer tab", widget="tabs")
    race_sgd: bool = _race_it(True)
    race_momentum: bool = _race_it(True)
    race_nesterov: bool = _race_it(False)
    race_adagrad: bool = _race_it(False)
    race_rmsprop: bool = _race_it(False)
    race_adam: bool = _race_it(True)
    lr_sgd: float = _lr_of("sgd", 0.002)
    lr_momentum: float = _lr_of("momentum", 0.001)
    lr_nesterov: float = _lr_of("nesterov", 0.001)
    lr_adagrad: float = _lr_of("adagrad", 0.316)
    lr_rmsprop: float = _lr_of("rmsprop", 0.01)
    lr_adam: float = _lr_of("adam", 0.1)
    mu_momentum: float = settings.slider(0.9, 0.0, 0.99, 0.01, "momentum μ")
    mu_nesterov: float = settings.slider(0.9, 0.0, 0.99, 0.01, "momentum μ")
    rho: float = settings.slider(0.9, 0.0, 0.999, 0.001, "decay ρ", format="%.3f")
    beta_1: float = settings.slider(0.9, 0.0, 0.999, 0.001, "β₁", format="%.3f")
    beta_2: float = settings.slider(0.999, 0.0, 0.9999, 0.0001, "β₂", format="%.4f")
    eps_adagrad: float = _eps()
    eps_rmsprop: float = _eps()
    eps_adam: float = _eps()
    bias_correction: bool = settings.toggle(True, "bias correction")
    # one step up close, range test
    arrow_optimizer: str = settings.choice("momentum", OPTIMIZER_LABELS, "optimizer")
    arrow_step: int = settings.slider(10, 1, 1000, 1, "step")
    sweep_optimizer: str = settings.choice("sgd", OPTIMIZER_LABELS, "optimizer")
    sweep_steps: int = settings.slider(100, 10, 500, 10, "steps per run")
    # mini-batches
    sgd_lr: float = settings.log_slider(0.1, LR_STOPS, "learning rate η")
    sgd_steps: int = settings.slider(100, 10, 500, 10, "updates")
    noise: float = settings.slider(0.5, 0.0, 2.0, 0.1, "noise in the data")
    data_seed: int = settings.number(0, 0, 9999, 1, "data seed")


PAGE = settings.Page(PREFIX, Settings)
PRESETS = {
    "η too small": {"section": SECTIONS[0], "cost": "parabola", "w0": -2.0, "lr": 0.01, "steps": 30},
    "η < 2/C″": {"section": SECTIONS[0], "cost": "parabola", "w0": -2.0, "lr": 0.891, "steps": 40},
    "η > 2/C″": {"section": SECTIONS[0], "cost": "parabola", "w0": -2.0, "lr": 1.12, "steps": 40},
    "Local minimum": {"section": SECTIONS[0], "cost": "two_minima", "w0": 0.5, "lr": 0.0501, "steps": 200},
    "Zig-zag valley": {"section": SECTIONS[1], "surface": "valley", "x0": -4.5, "y0": 1.5, "race_sgd": True,
                       "race_momentum": True, "race_nesterov": False, "race_adagrad": False, "race_rmsprop": False,
                       "race_adam": True,
                       "lr_sgd": 0.447, "lr_momentum": 0.1, "lr_adam": 0.1, "race_steps": 100},
    "Saddle": {"section": SECTIONS[1], "surface": "saddle", "x0": -1.8, "y0": 0.01, "race_sgd": True,
               "race_momentum": True, "race_adam": True, "lr_sgd": 0.0501, "lr_momentum": 0.0501, "lr_adam": 0.0501,
               "race_steps": 200},
}


@crash.guarded
def _on_surface_change() -> None:
    PAGE["x0"], PAGE["y0"] = surfaces.get(PAGE["surface"]).start


@crash.guarded
def _on_cost_change() -> None:
    PAGE["w0"] = surfaces.get(PAGE["cost"]).start[0]


def _on_click_start() -> None:
    event = st.session_state.get("gd.chart.race")
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    if points and "x" in points[0] and "y" in points[0]:
        (x0, x1), (y0, y1) = surfaces.get(PAGE["surface"]).bounds
        # Rounded to the start sliders' step, so the slider and the link show the point clicked.
        PAGE["x0"] = min(max(round(float(points[0]["x"]), 2), x0), x1)
        PAGE["y0"] = min(max(round(float(points[0]["y"]), 2), y0), y1)


def _starts_in_their_box() -> None:
    """A start outside the box of the cost (surface) it goes with, as a hand-edited link can ask for: moved
    to the box's nearest edge, with a message; each slider can only show its own cost's (surface's) box."""
    cost, surface = surfaces.get(PAGE["cost"]), surfaces.get(PAGE["surface"])
    messages = []
    for name, (low, high), owner in (("w0", cost.bounds[0], cost), ("x0", surface.bounds[0], surface),
                                     ("y0", surface.bounds[1], surface)):
        value = PAGE[name]
        try:
            PAGE.declared[name].check(value, low, high)
        except ValueError as err:
            PAGE[name] = min(max(float(value), low), high)
            messages.append(f"**{PAGE.declared[name].label}**: {err}, the box of {owner.label.split('  ')[0]}; "
                            f"its nearest edge {PAGE[name]:g} is used.")
    if messages:
        st.warning("This link's start point lies off the map:\n\n" + "\n".join(f"- {m}" for m in messages))


# Results are frozen dataclasses of read-only arrays, so they are cached as objects (st.cache_resource):
# no copy on a hit, and nothing can change them in place.
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


# Figures are cached as objects (st.cache_resource: never copied, never mutated, so frozen: serialised once),
# keyed by exactly the settings they show, so a rerun only rebuilds the charts whose inputs changed.
@st.cache_resource(max_entries=32, show_spinner=False)
def race_figures(surface: str, runs: tuple, show_3d: bool):
    """The race chart and the cost-per-step chart for ``runs`` = ((name, cached_run args), ...)."""
    s = surfaces.get(surface)
    xs, ys, Z, label = surfaces.contour_grid(surface, 61 if show_3d else 201)
    items = []
    for name, args in runs:
        r = cached_run(*args)
        items.append(dict(name=OPTIMIZER_LABELS[name], colour=charts.COLOURS[name], trajectory=r.trajectory,
                          diverged_at=r.diverged_at, shown=surfaces.shown_height(s, r.costs),
                          values=descent.cost_gap(r, s)))
    title = f"{s.label}: the optimizers race"
    if show_3d:
        fig = charts.race_3d(xs, ys, Z, label, items, title)
    else:
        fig = charts.race(xs, ys, Z, label, s.bounds, s.minima, s.saddle_points, items, title, clickable=True)
    return spec.frozen(fig), spec.frozen(charts.cost_per_step(items, title="Cost per step"))


@st.cache_resource(max_entries=64, show_spinner=False)
def curve_figures(cost_name: str, w0: float, lr: float, steps: int):
    cost = surfaces.get(cost_name)
    one = cached_run(cost_name, "sgd", (w0,), steps, lr, "paper", ())
    w_grid, c_grid = surfaces.grid(cost_name, 301)
    minima = [(m[0], cost.cost(m), "global minimum") for m in cost.minima] + \
             [(m[0], cost.cost(m), "local minimum") for m in cost.local_minima]
    span = (cost.bounds[0][1] - cost.bounds[0][0]) * 0.06
    curve = charts.steps_on_curve(w_grid, c_grid, one.trajectory[:, 0], one.costs, descent.tangents(one, span),
                                  minima, cost.label.split("  ")[0], (float(c_grid.min()), float(c_grid.max())))
    per_step = charts.cost_per_step([dict(name="C(w) − C_min", values=descent.cost_gap(one, cost),
                                          colour=charts.COLOURS["sgd"], diverged_at=one.diverged_at)],
                                    title="Cost per step")
    return spec.frozen(curve), spec.frozen(per_step)


@st.cache_resource(max_entries=64, show_spinner=False)
def arrow_figure(args: tuple, step: int):
    r = cached_run(*args)
    xs, ys, Z, label = surfaces.contour_grid(r.surface, 81)
    return spec.frozen(charts.arrow_view(xs, ys, Z, label, descent.arrows(r, step), OPTIMIZER_LABELS[r.optimizer],
                                         charts.COLOURS[r.optimizer]))


@st.cache_resource(max_entries=32, show_spinner=False)
def sweep_figure(args: tuple, steps: int):
    sw = cached_sweep(*args)
    s = surfaces.get(sw.surface)
    return spec.frozen(charts.lr_sweep(sw.learning_rates, descent.sweep_gap(sw, s), sw.diverged,
                                       f"{OPTIMIZER_LABELS[sw.optimizer]} on {s.label}, {steps} steps"))


BATCH_COLOURS = [charts.COLOURS["sgd"], charts.COLOURS["adagrad"], charts.COLOURS["momentum"],
                 charts.COLOURS["nesterov"]]


@st.cache_resource(max_entries=32, show_spinner=False)
def stochastic_figures(noise: float, seed: int, learning_rate: float, steps: int):
    problem, paths = cached_stochastic(noise, seed, learning_rate, steps)
    xs, ys, Z = surfaces.sample(problem.surface, 81)
    items = [dict(name=p.label, colour=c, trajectory=p.trajectory, diverged_at=p.diverged_at, values=p.costs)
             for p, c in zip(paths, BATCH_COLOURS)]
    return (spec.frozen(charts.stochastic_paths(xs, ys, Z, items, problem.least_squares, "Paths on the cost C(w, b)")),
            spec.frozen(charts.cost_per_step(items, title="Full-data cost per update", log_y=True,
                                             y_title="C(w, b) (log scale)")))



def hyper_of(name: str, s: Settings) -> tuple:
    """The hyper-parameters of optimizer ``name`` as set on the page (hashable, for the cache)."""
    values = {"momentum": {"momentum": s.mu_momentum}, "nesterov": {"momentum": s.mu_nesterov},
              "rmsprop": {"rho": s.rho, "epsilon": s.eps_rmsprop},
              "adagrad": {"epsilon": s.eps_adagrad},
              "adam": {"beta_1": s.beta_1, "beta_2": s.beta_2, "epsilon": s.eps_adam,
                       "bias_correction": s.bias_correction}}.get(name, {})
    return tuple(sorted(values.items()))


def convention_of(s: Settings) -> str:
    return "keras" if s.keras else "paper"


def run_args(name: str, s: Settings) -> tuple:
    """The arguments of ``cached_run`` for one racer: exactly what ``descent.run`` is given."""
    return (s.surface, name, (float(s.x0), float(s.y0)), int(s.race_steps), float(getattr(s, f"lr_{name}")),
            convention_of(s), hyper_of(name, s))


def update_rule(name: str, s: Settings) -> None:
    """Optimizer ``name``'s update rule, in the form (paper or Keras) and with the hyper-parameters set."""
    try:
        rule = optimizers.get(name, convention=convention_of(s), **dict(hyper_of(name, s))).latex
    except ValueError as err:
        st.error(str(err))
        return
    # Adam's five updates make one long line: a size smaller it fits the page (a narrow window scrolls it).
    st.latex((r"\small " if len(rule) > LONG_RULE else "") + rule)


st.title("Gradient descent")
st.markdown(
    "Training a network means finding weights with a low cost. Gradient descent does it the way a hiker "
    "finds a valley in fog: feel the slope under your feet and step downhill. The **learning rate** η "
    "sets the size of each step: too small and you never arrive, too large and you jump over the valley."
)
PAGE.init()
_starts_in_their_box()
PAGE.presets_bar(PRESETS)


@PAGE.section
def one_weight() -> None:
    """The steps of plain gradient descent on a cost of one weight."""
    st.subheader("One weight: steps down a curve")
    controls, view = st.columns([1, 2.4])
    with controls:
        PAGE.widget("cost", on_change=_on_cost_change)
        (lo, hi), = surfaces.get(PAGE["cost"]).bounds
        PAGE.widget("w0", low=lo, high=hi)
        PAGE.widget("lr")
        PAGE.widget("steps")
    s = PAGE.values()
    cost = surfaces.get(s.cost)
    try:
        one = cached_run(s.cost, "sgd", (float(s.w0),), int(s.steps), float(s.lr), "paper", ())
    except ValueError as err:
        one = None
        st.error(str(err))
    with view:
        st.latex(r"w \leftarrow w - \eta\, C'(w)")
        if one is not None:
            curve_fig, curve_cost_fig = curve_figures(s.cost, float(s.w0), float(s.lr), int(s.steps))
            chart.show(curve_fig, key="gd.chart.curve")
            st.caption("Press ▶ Play to replay the steps, or drag the step slider. The dashed line is the "
                       "tangent: its slope C′(w) sets the direction and, times η, the length of the next step.")
    if one is not None:
        outcome = descent.classify(one, cost)
        show = {"converged": st.success, "oscillating": st.warning, "too_slow": st.warning,
                "stuck_local": st.warning, "diverging": st.error, "diverged": st.error}[outcome.kind]
        show(outcome.message)
        curvature = cost.curvature_at_minimum
        bound = cost.stable_learning_rate
        where = "everywhere" if cost.is_quadratic else f"at the minimum w* = {cost.minima[0][0]:g}"
        st.latex(rf"\eta < \frac{{2}}{{C''}} = \frac{{2}}{{{curvature:.3g}}} = {bound:.3g}"
                 rf"\qquad \text{{your }} \eta = {s.lr:g},\quad \eta\,C'' = {s.lr * curvature:.3g}")
        st.caption(f"C″ = {curvature:.3g} {where}. Each step multiplies the distance to the minimum by "
                   "(1 − ηC″): below 1 in size it shrinks (if ηC″ > 1 it flips side each step: oscillation), "
                   "above 2/C″ it grows.")
        left, right = st.columns(2)
        with left:
            chart.show(curve_cost_fig, key="gd.chart.curve_cost")
        with right:
            st.markdown(f"**{cost.label}**")
            st.latex(cost.latex)
            st.caption(cost.note)


@PAGE.section
def race() -> None:
    """Optimizers racing on a surface of two weights, with their results table."""
    st.subheader("Two weights: the optimizers race")
    st.markdown(
        "With two weights the cost is a landscape; contour lines join points of equal cost and the gradient "
        "∇C points straight uphill, across them. Plain descent steps against it; the other optimizers "
        "remember past gradients (momentum) or scale each weight's step by its gradient history."
    )
    pick, start_col = st.columns([1, 1])
    with pick:
        PAGE.widget("surface", on_change=_on_surface_change)
        PAGE.widget("race_steps")
        PAGE.widget("show_3d")
        PAGE.widget("keras")
    surface = surfaces.get(PAGE["surface"])
    (xlo, xhi), (ylo, yhi) = surface.bounds
    with start_col:
        PAGE.widget("x0", low=xlo, high=xhi)
        PAGE.widget("y0", low=ylo, high=yhi)
        st.caption("Or click on the contour map to start there.")

    s = PAGE.values()
    racing_now = [OPTIMIZER_LABELS[n] for n in optimizers.NAMES if getattr(s, f"race_{n}")]
    st.markdown(f"**Racing:** {', '.join(racing_now) or 'none'}. Each optimizer's tab has its formula, its "
                "*race it* box and its hyper-parameters.")
    # Lazy tabs: only the open optimizer's controls are drawn; the others keep their values.
    for name, tab in zip(optimizers.NAMES, PAGE.tabs("optimizer_tab")):
        if not tab.open:
            continue
        with tab:
            c1, c2, c3 = st.columns([1, 2, 3])
            if not PAGE.widget(f"race_{name}", c1):
                # No dead controls: an optimizer that is not racing shows only its formula.
                c2.caption("Tick *race it* to set its learning rate and hyper-parameters.")
            else:
                PAGE.widget(f"lr_{name}", c2)
                with c3:
                    if name in ("momentum", "nesterov"):
                        PAGE.widget(f"mu_{name}")
                    elif name == "rmsprop":
                        PAGE.widget("rho")
                    elif name == "adam":
                        d1, d2, d3 = st.columns(3)
                        PAGE.widget("beta_1", d1)
                        PAGE.widget("beta_2", d2)
                        PAGE.widget("bias_correction", d3)
                    if name in ("adagrad", "rmsprop", "adam"):
                        PAGE.widget(f"eps_{name}")
            update_rule(name, s)

    racers = [name for name in optimizers.NAMES if getattr(s, f"race_{name}")]
    if not racers:
        st.info("Tick “race it” in at least one optimizer's tab.")
    runs = {}
    for name in racers:
        try:
            runs[name] = cached_run(*run_args(name, s))
        except ValueError as err:
            st.error(f"{OPTIMIZER_LABELS[name]}: {err}")

    race_fig, race_cost_fig = race_figures(surface.name, tuple((n, run_args(n, s)) for n in runs),
                                           bool(s.show_3d))
    if s.show_3d:
        chart.show(race_fig, key="gd.chart.race3d")
        st.caption("Drag to turn the surface. The 3-D view shows the finished paths; switch it off to replay them.")
    else:
        chart.show(race_fig, key="gd.chart.race", on_select=_on_click_start, selection_mode="points")
        st.caption("▶ Play races them from the start (the faint lines are the whole paths). Stars: minima. "
                   "Click anywhere on the map to start there.")
    side, formula = st.columns([3, 2])
    with side:
        chart.show(race_cost_fig, key="gd.chart.race_cost")
    with formula:
        st.latex(surface.latex)
        st.caption(surface.note)
    if runs:
        # A Markdown table: the same numbers as a dataframe at a fraction of the rerun cost.
        lines = [f"| optimizer | η | final cost | distance to nearest minimum "
                 f"| steps to C − C_min ≤ {RACE_TOLERANCE:g} "
                 "| diverged |", "|---|---|---|---|---|---|"]
        for n, r in runs.items():
            row = descent.summarise(r, surface, RACE_TOLERANCE)
            reached = "never" if row["steps_to_tolerance"] is None else row["steps_to_tolerance"]
            gone = f"at step {row['diverged_at']}" if row["diverged_at"] else "no"
            lines.append(f"| {OPTIMIZER_LABELS[n]} | {r.learning_rate:g} | {row['final_cost']:.4g} | "
                         f"{row['distance']:.4g} | {reached} | {gone} |")
        st.markdown("\n".join(lines))
        for n, r in runs.items():
            if r.diverged:
                st.error(f"{OPTIMIZER_LABELS[n]} diverged at step {r.diverged_at}: its steps flew off the map, so its "
                         f"path stops there. Lower its learning rate.")


@PAGE.section
def arrow_view() -> None:
    """One update of one optimizer, split into its parts."""
    st.subheader("One step up close")
    st.markdown("Each update is made of the gradient (scaled by η) and whatever the optimizer remembers. "
                "Pick an optimizer and a step to see the pieces.")
    s = PAGE.values()
    update_rule(s.arrow_optimizer, s)  # full width: Adam's rule does not fit beside the chart
    arrow_cols = st.columns([1, 2])
    with arrow_cols[0]:
        PAGE.widget("arrow_optimizer")
        PAGE.widget("arrow_step")
        st.caption(f"Above: {OPTIMIZER_LABELS[s.arrow_optimizer]}'s update rule. Its learning rate "
                   f"η = {getattr(s, f'lr_{s.arrow_optimizer}'):g}, its other hyper-parameters, the surface and "
                   f"the start are set in *{SECTIONS[1]}*.")
    args = run_args(s.arrow_optimizer, s)
    try:
        arrow_run = cached_run(*args)
    except ValueError as err:
        arrow_run = None
        st.error(str(err))
    with arrow_cols[1]:
        if arrow_run is not None and arrow_run.steps_taken == 0:
            st.error(f"{OPTIMIZER_LABELS[arrow_run.optimizer]} diverged at step 1: there is no step to look at.")
        elif arrow_run is not None:
            step = min(int(s.arrow_step), arrow_run.steps_taken)
            if step < s.arrow_step:
                st.caption(f"This run has {arrow_run.steps_taken} steps; showing step {step}.")
            chart.show(arrow_figure(args, step), key="gd.chart.arrows")
            st.caption("Red: where plain gradient descent would step (−η∇C). Purple: what the optimizer's memory "
                       "adds (momentum) or, for Adam, its running mean of gradients as a step. Black: "
                       "the step actually taken, the sum of the other two for momentum. The view zooms to the "
                       "step's size.")


@PAGE.section
def range_test() -> None:
    """Final cost against the learning rate: the range test."""
    st.subheader("Which learning rate? The range test")
    st.markdown("Run the same descent for learning rates from 10⁻⁴ to 10 and plot where each ends: too small "
                "barely moves, the best sits just below the point where the runs blow up.")
    s = PAGE.values()
    surface = surfaces.get(s.surface)
    sweep_args = (s.surface, s.sweep_optimizer, (float(s.x0), float(s.y0)), int(s.sweep_steps), convention_of(s),
                  hyper_of(s.sweep_optimizer, s))
    try:
        sw = cached_sweep(*sweep_args)
    except ValueError as err:
        sw = None
        st.error(str(err))
    update_rule(s.sweep_optimizer, s)
    if sw is not None:
        rates = sw.learning_rates
        st.latex(rf"\eta \in [{rates[0]:g},\ {rates[-1]:g}]:\ {len(rates)}"
                 r"\ \text{runs, evenly spaced on a log scale}")
    sweep_cols = st.columns([1, 2])
    with sweep_cols[0]:
        PAGE.widget("sweep_optimizer")
        PAGE.widget("sweep_steps")
        st.caption(f"On {surface.label} from ({s.x0:g}, {s.y0:g}), with the optimizer's other "
                   f"hyper-parameters; surface, start and hyper-parameters are set in *{SECTIONS[1]}*.")
    with sweep_cols[1]:
        if sw is not None:
            chart.show(sweep_figure(sweep_args, int(s.sweep_steps)), key="gd.chart.sweep")
    if sw is not None:
        best, first = sw.best, sw.first_diverging
        st.markdown(
            (f"Lowest final cost at η ≈ **{best:.3g}**. " if best is not None else "Every learning rate diverged. ")
            + (f"Runs diverge from η ≈ **{first:.3g}** on." if first is not None else "None of them diverged.")
        )


@PAGE.section
def mini_batches() -> None:
    """Full-batch against mini-batch SGD on a line fit."""
    st.subheader("Stochastic descent: mini-batches")
    st.markdown(
        "Real training estimates the gradient from a **mini-batch** of examples instead of the whole data set. "
        "Each estimate is noisy, so the path wanders; smaller batches are cheaper per step but noisier. Here a "
        "line y = w·x + b is fitted to 100 noisy points by plain SGD, the same number of updates for each batch size."
    )
    st.latex(r"C(w, b) = \frac{1}{2n}\sum_{i=1}^{n} (w x_i + b - y_i)^2, \qquad "
             r"(w, b) \leftarrow (w, b) - \eta\, \nabla C_{\text{batch}}")
    sgd_cols = st.columns(4)
    for column, name in zip(sgd_cols, ("sgd_lr", "sgd_steps", "noise", "data_seed")):
        PAGE.widget(name, column)
    s = PAGE.values()
    try:
        problem, paths = cached_stochastic(float(s.noise), int(s.data_seed), float(s.sgd_lr), int(s.sgd_steps))
    except ValueError as err:
        problem = None
        st.error(str(err))
    if problem is not None:
        paths_fig, paths_cost_fig = stochastic_figures(float(s.noise), int(s.data_seed), float(s.sgd_lr),
                                                       int(s.sgd_steps))
        left, right = st.columns([3, 2])
        with left:
            chart.show(paths_fig, key="gd.chart.sgd_paths")
        with right:
            chart.show(paths_cost_fig, key="gd.chart.sgd_cost")
            for p in paths:
                if p.diverged:
                    st.error(f"{p.label} diverged at step {p.diverged_at}.")
            w_ls, b_ls = problem.least_squares
            st.caption(f"Least squares: w = {w_ls:.3f}, b = {b_ls:.3f} (the data were made with w = "
                       f"{problem.true_w:g}, b = {problem.true_b:g} plus noise).")


# Only the open tab's section runs and is sent to the browser; each section reruns alone when one of its
# widgets moves (the settings it shares with the others are read by sections never on screen beside it).
for tab, section in zip(PAGE.tabs("section"), (one_weight, race, arrow_view, range_test, mini_batches)):
    if tab.open:
        with tab:
            section()

PAGE.sync()
st.info(
    "**What to notice:** the learning rate alone decides between crawling, oscillating and blowing up "
    "(η < 2/C″ on a parabola). Momentum rushes along long valleys but overshoots; Adam and RMSProp take "
    "similar-sized steps whatever the slope. Mini-batches trade a noisy path for cheap steps."
)

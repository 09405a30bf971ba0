"""Gradient descent: walk downhill on a cost, with the learning rate and the optimizers to play with."""

from dataclasses import dataclass

import streamlit as st

from nnviz import descent, optimizers, surfaces
from nnviz.charts import descent as charts
from nnviz.charts import spec
from nnviz.ui import limits, presenter, state

PREFIX = "gd"
LR_STOPS = descent.log_options(1e-4, 10.0, per_decade=20)
EPS_STOPS = descent.log_options(1e-10, 0.1, per_decade=1)
RACE_TOLERANCE = 1e-3
# One topic per screen: only the open section runs and is sent (lazy tabs), which also keeps a rerun cheap.
SECTIONS = ("One weight", "Two weights: the race", "One step up close", "Range test", "Mini-batches")


@dataclass(frozen=True)
class Settings:
    section: str = SECTIONS[0]
    # one weight
    cost: str = "parabola"
    w0: float = -2.0
    lr: float = 0.1
    steps: int = 30
    # two weights
    surface: str = "rosenbrock"
    x0: float = -1.2
    y0: float = 1.0
    race_steps: int = 500
    show_3d: bool = False
    keras: bool = False
    optimizer_tab: str = "SGD"  # the optimizer whose settings are open
    race_sgd: bool = True
    race_momentum: bool = True
    race_nesterov: bool = False
    race_adagrad: bool = False
    race_rmsprop: bool = False
    race_adam: bool = True
    lr_sgd: float = 0.002
    lr_momentum: float = 0.001
    lr_nesterov: float = 0.001
    lr_adagrad: float = 0.316
    lr_rmsprop: float = 0.01
    lr_adam: float = 0.1
    mu_momentum: float = 0.9
    mu_nesterov: float = 0.9
    rho: float = 0.9
    beta_1: float = 0.9
    beta_2: float = 0.999
    eps_adagrad: float = 1e-8
    eps_rmsprop: float = 1e-8
    eps_adam: float = 1e-8
    bias_correction: bool = True
    # arrow view, sweep
    arrow_optimizer: str = "momentum"
    arrow_step: int = 10
    sweep_optimizer: str = "sgd"
    sweep_steps: int = 100
    # stochastic descent
    sgd_lr: float = 0.1
    sgd_steps: int = 100
    noise: float = 0.5
    data_seed: int = 0


DEFAULTS = Settings()
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
OPTIMIZER_LABELS = optimizers.LABELS
SURFACE_LABELS = {name: surfaces.get(name).label for name in surfaces.NAMES}


def _fmt_lr(value: float) -> str:
    return f"{value:g}"


@presenter.guarded
def _on_surface_change() -> None:
    s = surfaces.get(st.session_state[state.key(PREFIX, "surface")])
    st.session_state[state.key(PREFIX, "x0")], st.session_state[state.key(PREFIX, "y0")] = s.start


@presenter.guarded
def _on_cost_change() -> None:
    s = surfaces.get(st.session_state[state.key(PREFIX, "cost")])
    st.session_state[state.key(PREFIX, "w0")] = s.start[0]


def _clamp(name: str, lo: float, hi: float) -> None:
    k = state.key(PREFIX, name)
    st.session_state[k] = min(max(float(st.session_state[k]), lo), hi)


def _snap(name: str, stops) -> None:
    # A hand-edited link may hold a value between the slider's stops: take the nearest stop.
    k = state.key(PREFIX, name)
    if st.session_state[k] not in stops:
        st.session_state[k] = min(stops, key=lambda v: abs(v - float(st.session_state[k])))


def _on_click_start() -> None:
    event = st.session_state.get("gd.chart.race")
    points = (event or {}).get("selection", {}).get("points", []) if event else []
    if points and "x" in points[0] and "y" in points[0]:
        s = surfaces.get(st.session_state[state.key(PREFIX, "surface")])
        (x0, x1), (y0, y1) = s.bounds
        st.session_state[state.key(PREFIX, "x0")] = min(max(round(float(points[0]["x"]), 3), x0), x1)
        st.session_state[state.key(PREFIX, "y0")] = min(max(round(float(points[0]["y"]), 3), y0), y1)


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


class _Live:
    """The page's settings read straight from session state, field by field (cheaper than building the
    whole dataclass each time a few fields are needed)."""

    def __getattr__(self, name: str):
        return st.session_state[state.key(PREFIX, name)]


LIVE = _Live()


def hyper_of(name: str, settings: Settings) -> tuple:
    """The hyper-parameters of optimizer ``name`` as set on the page (hashable, for the cache)."""
    values = {"momentum": {"momentum": settings.mu_momentum}, "nesterov": {"momentum": settings.mu_nesterov},
              "rmsprop": {"rho": settings.rho, "epsilon": settings.eps_rmsprop},
              "adagrad": {"epsilon": settings.eps_adagrad},
              "adam": {"beta_1": settings.beta_1, "beta_2": settings.beta_2, "epsilon": settings.eps_adam,
                       "bias_correction": settings.bias_correction}}.get(name, {})
    return tuple(sorted(values.items()))


def run_args(name: str, settings: Settings) -> tuple:
    """The arguments of ``cached_run`` for one racer: exactly what ``descent.run`` is given."""
    return (settings.surface, name, (float(settings.x0), float(settings.y0)), int(settings.race_steps),
            float(getattr(settings, f"lr_{name}")), "keras" if settings.keras else "paper", hyper_of(name, settings))


st.title("Gradient descent")
st.markdown(
    "Training a network means finding weights with a low cost. Gradient descent does it the way a hiker "
    "finds a valley in fog: feel the slope under your feet and step downhill. The **learning rate** η "
    "sets the size of each step: too small and you never arrive, too large and you jump over the valley."
)
state.init(PREFIX, DEFAULTS)
limits.enforce(PREFIX, DEFAULTS, {
    "section": limits.options(SECTIONS), "optimizer_tab": limits.options(tuple(OPTIMIZER_LABELS.values())),
    "cost": limits.options(surfaces.NAMES_1D), "surface": limits.options(surfaces.NAMES_2D),
    "arrow_optimizer": limits.options(optimizers.NAMES), "sweep_optimizer": limits.options(optimizers.NAMES),
    "steps": (1, 200), "race_steps": (10, 1000), "arrow_step": (1, 1000), "sweep_steps": (10, 500),
    "sgd_steps": (10, 500), "noise": (0.0, 2.0), "data_seed": (0, 9999), "mu_momentum": (0.0, 0.99),
    "mu_nesterov": (0.0, 0.99), "rho": (0.0, 0.999), "beta_1": (0.0, 0.999), "beta_2": (0.0, 0.9999),
})
state.presets_bar(PREFIX, DEFAULTS, PRESETS)

# A hand-edited link may hold values off the sliders' ranges and stops; every section reads them, open or not.
cost = surfaces.get(st.session_state[state.key(PREFIX, "cost")])
surface = surfaces.get(st.session_state[state.key(PREFIX, "surface")])
(lo, hi), = cost.bounds
(xlo, xhi), (ylo, yhi) = surface.bounds
_clamp("w0", lo, hi)
_clamp("x0", xlo, xhi)
_clamp("y0", ylo, yhi)
for _name in ("lr", "sgd_lr") + tuple(f"lr_{name}" for name in optimizers.NAMES):
    _snap(_name, LR_STOPS)
for _name in ("adagrad", "rmsprop", "adam"):
    _snap(f"eps_{_name}", EPS_STOPS)


def one_weight() -> None:
    """The steps of plain gradient descent on a cost of one weight."""
    settings = LIVE
    st.subheader("One weight: steps down a curve")
    controls, view = st.columns([1, 2.4])
    with controls:
        st.selectbox("cost C(w)", surfaces.NAMES_1D, format_func=SURFACE_LABELS.get, key=state.key(PREFIX, "cost"),
                     on_change=_on_cost_change)
        st.slider("start w₀", lo, hi, step=0.05, key=state.key(PREFIX, "w0"))
        st.select_slider("learning rate η (log scale)", LR_STOPS, format_func=_fmt_lr, key=state.key(PREFIX, "lr"))
        st.slider("steps", 1, 200, key=state.key(PREFIX, "steps"))
    try:
        one = cached_run(settings.cost, "sgd", (float(settings.w0),), int(settings.steps), float(settings.lr),
                         "paper", ())
    except ValueError as err:
        one = None
        st.error(str(err))
    with view:
        st.latex(r"w \leftarrow w - \eta\, C'(w)")
        if one is not None:
            curve_fig, curve_cost_fig = curve_figures(settings.cost, float(settings.w0), float(settings.lr),
                                                      int(settings.steps))
            st.plotly_chart(curve_fig, key="gd.chart.curve")
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
                 rf"\qquad \text{{your }} \eta = {settings.lr:g},\quad \eta\,C'' = {settings.lr * curvature:.3g}")
        st.caption(f"C″ = {curvature:.3g} {where}. Each step multiplies the distance to the minimum by "
                   "(1 − ηC″): below 1 in size it shrinks (if ηC″ > 1 it flips side each step: oscillation), "
                   "above 2/C″ it grows.")
        left, right = st.columns(2)
        with left:
            st.plotly_chart(curve_cost_fig, key="gd.chart.curve_cost")
        with right:
            st.markdown(f"**{cost.label}**")
            st.latex(cost.latex)
            st.caption(cost.note)


def race() -> None:
    """Optimizers racing on a surface of two weights, with their results table."""
    settings = LIVE
    st.subheader("Two weights: the optimizers race")
    st.markdown(
        "With two weights the cost is a landscape; contour lines join points of equal cost and the gradient "
        "∇C points straight uphill, across them. Plain descent steps against it; the other optimizers "
        "remember past gradients (momentum) or scale each weight's step by its gradient history."
    )
    pick, start_col = st.columns([1, 1])
    with pick:
        st.selectbox("surface", surfaces.NAMES_2D, format_func=SURFACE_LABELS.get, key=state.key(PREFIX, "surface"),
                     on_change=_on_surface_change)
        st.slider("steps", 10, 1000, step=10, key=state.key(PREFIX, "race_steps"))
        st.toggle("3-D surface", key=state.key(PREFIX, "show_3d"))
        st.toggle("Keras's formulas", key=state.key(PREFIX, "keras"),
                 help="Use keras.optimizers' exact forms (ε inside the root, AdaGrad's accumulator starting at 0.1, "
                      "Adam's ε̂) instead of the papers'.")
    with start_col:
        st.slider("start x₀", xlo, xhi, step=round((xhi - xlo) / 200, 4), key=state.key(PREFIX, "x0"))
        st.slider("start y₀", ylo, yhi, step=round((yhi - ylo) / 200, 4), key=state.key(PREFIX, "y0"))
        st.caption("Or click on the contour map to start there.")

    racing_now = [OPTIMIZER_LABELS[n] for n in optimizers.NAMES if getattr(settings, f"race_{n}")]
    st.markdown(f"**Racing:** {', '.join(racing_now) or 'none'}. Each optimizer's tab has its formula, its "
                "*race it* box and its hyper-parameters.")
    # Lazy tabs: only the open optimizer's controls are drawn; the others keep their values.
    tabs = st.tabs([OPTIMIZER_LABELS[name] for name in optimizers.NAMES], key=state.key(PREFIX, "optimizer_tab"),
                   on_change="rerun")
    for name, tab in zip(optimizers.NAMES, tabs):
        if not tab.open:
            continue
        with tab:
            c1, c2, c3 = st.columns([1, 2, 3])
            racing = c1.checkbox("race it", key=state.key(PREFIX, f"race_{name}"))
            if not racing:
                # No dead controls: an optimizer that is not racing shows only its formula.
                c2.caption("Tick *race it* to set its learning rate and hyper-parameters.")
            else:
                c2.select_slider(f"{OPTIMIZER_LABELS[name]} learning rate η", LR_STOPS, format_func=_fmt_lr,
                                 key=state.key(PREFIX, f"lr_{name}"))
                with c3:
                    if name in ("momentum", "nesterov"):
                        st.slider("momentum μ", 0.0, 0.99, step=0.01, key=state.key(PREFIX, f"mu_{name}"))
                    elif name == "rmsprop":
                        st.slider("decay ρ", 0.0, 0.999, step=0.001, key=state.key(PREFIX, "rho"), format="%.3f")
                    elif name == "adam":
                        d1, d2, d3 = st.columns(3)
                        d1.slider("β₁", 0.0, 0.999, step=0.001, key=state.key(PREFIX, "beta_1"), format="%.3f")
                        d2.slider("β₂", 0.0, 0.9999, step=0.0001, key=state.key(PREFIX, "beta_2"), format="%.4f")
                        d3.toggle("bias correction", key=state.key(PREFIX, "bias_correction"))
                    if name in ("adagrad", "rmsprop", "adam"):
                        st.select_slider("ε (keeps the division safe)", EPS_STOPS, format_func=lambda v: f"{v:g}",
                                         key=state.key(PREFIX, f"eps_{name}"))
            convention = "keras" if st.session_state[state.key(PREFIX, "keras")] else "paper"
            try:
                preview = optimizers.get(name, convention=convention, **dict(hyper_of(name, LIVE)))
                st.latex(preview.latex)
            except ValueError as err:
                st.error(str(err))

    racers = [name for name in optimizers.NAMES if getattr(settings, f"race_{name}")]
    if not racers:
        st.info("Tick “race it” in at least one optimizer's tab.")
    runs = {}
    for name in racers:
        try:
            runs[name] = cached_run(*run_args(name, settings))
        except ValueError as err:
            st.error(f"{OPTIMIZER_LABELS[name]}: {err}")

    race_fig, race_cost_fig = race_figures(surface.name, tuple((n, run_args(n, settings)) for n in runs),
                                           bool(settings.show_3d))
    if settings.show_3d:
        st.plotly_chart(race_fig, key="gd.chart.race3d")
        st.caption("Drag to turn the surface. The 3-D view shows the finished paths; switch it off to replay them.")
    else:
        st.plotly_chart(race_fig, key="gd.chart.race", on_select=_on_click_start, selection_mode="points")
        st.caption("▶ Play races them from the start (the faint lines are the whole paths). Stars: minima. "
                   "Click anywhere on the map to start there.")
    side, formula = st.columns([3, 2])
    with side:
        st.plotly_chart(race_cost_fig, key="gd.chart.race_cost")
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


def arrow_view() -> None:
    """One update of one optimizer, split into its parts."""
    settings = LIVE
    st.subheader("One step up close")
    st.markdown("Each update is made of the gradient (scaled by η) and whatever the optimizer remembers. "
                "Pick an optimizer and a step to see the pieces.")
    arrow_cols = st.columns([1, 2])
    with arrow_cols[0]:
        st.selectbox("optimizer", optimizers.NAMES, format_func=OPTIMIZER_LABELS.get,
                     key=state.key(PREFIX, "arrow_optimizer"))
        st.slider("step", 1, 1000, key=state.key(PREFIX, "arrow_step"))
    args = run_args(settings.arrow_optimizer, settings)
    try:
        arrow_run = cached_run(*args)
    except ValueError as err:
        arrow_run = None
        st.error(str(err))
    with arrow_cols[1]:
        if arrow_run is not None and arrow_run.steps_taken == 0:
            st.error(f"{OPTIMIZER_LABELS[arrow_run.optimizer]} diverged at step 1: there is no step to look at.")
        elif arrow_run is not None:
            step = min(int(settings.arrow_step), arrow_run.steps_taken)
            if step < settings.arrow_step:
                st.caption(f"This run has {arrow_run.steps_taken} steps; showing step {step}.")
            st.plotly_chart(arrow_figure(args, step), key="gd.chart.arrows")
            st.caption("Red: where plain gradient descent would step (−η∇C). Purple: what the optimizer's memory "
                       "adds (momentum) or, for Adam, its running mean of gradients as a step. Black: "
                       "the step actually taken, the sum of the other two for momentum. The view zooms to the "
                       "step's size.")


def range_test() -> None:
    """Final cost against the learning rate: the range test."""
    settings = LIVE
    st.subheader("Which learning rate? The range test")
    st.markdown("Run the same descent for learning rates from 10⁻⁴ to 10 and plot where each ends: too small "
                "barely moves, the best sits just below the point where the runs blow up.")
    sweep_cols = st.columns([1, 2])
    with sweep_cols[0]:
        st.selectbox("optimizer ", optimizers.NAMES, format_func=OPTIMIZER_LABELS.get,
                     key=state.key(PREFIX, "sweep_optimizer"))
        st.slider("steps per run", 10, 500, step=10, key=state.key(PREFIX, "sweep_steps"))
        st.caption(f"On {surface.label} from ({settings.x0:g}, {settings.y0:g}), with the optimizer's other "
                   f"hyper-parameters; surface, start and hyper-parameters are set in *{SECTIONS[1]}*.")
    sweep_args = (settings.surface, settings.sweep_optimizer, (float(settings.x0), float(settings.y0)),
                  int(settings.sweep_steps), "keras" if settings.keras else "paper",
                  hyper_of(settings.sweep_optimizer, settings))
    try:
        sw = cached_sweep(*sweep_args)
    except ValueError as err:
        sw = None
        st.error(str(err))
    with sweep_cols[1]:
        if sw is not None:
            st.plotly_chart(sweep_figure(sweep_args, int(settings.sweep_steps)), key="gd.chart.sweep")
    if sw is not None:
        best, first = sw.best, sw.first_diverging
        st.markdown(
            (f"Lowest final cost at η ≈ **{best:.3g}**. " if best is not None else "Every learning rate diverged. ")
            + (f"Runs diverge from η ≈ **{first:.3g}** on." if first is not None else "None of them diverged.")
        )


def mini_batches() -> None:
    """Full-batch against mini-batch SGD on a line fit."""
    settings = LIVE
    st.subheader("Stochastic descent: mini-batches")
    st.markdown(
        "Real training estimates the gradient from a **mini-batch** of examples instead of the whole data set. "
        "Each estimate is noisy, so the path wanders; smaller batches are cheaper per step but noisier. Here a "
        "line y = w·x + b is fitted to 100 noisy points by plain SGD, the same number of updates for each batch size."
    )
    st.latex(r"C(w, b) = \frac{1}{2n}\sum_{i=1}^{n} (w x_i + b - y_i)^2, \qquad "
             r"(w, b) \leftarrow (w, b) - \eta\, \nabla C_{\text{batch}}")
    sgd_cols = st.columns(4)
    sgd_cols[0].select_slider("learning rate η ", LR_STOPS, format_func=_fmt_lr, key=state.key(PREFIX, "sgd_lr"))
    sgd_cols[1].slider("updates", 10, 500, step=10, key=state.key(PREFIX, "sgd_steps"))
    sgd_cols[2].slider("noise in the data", 0.0, 2.0, step=0.1, key=state.key(PREFIX, "noise"))
    sgd_cols[3].number_input("data seed", 0, 9999, step=1, key=state.key(PREFIX, "data_seed"))
    try:
        problem, paths = cached_stochastic(float(settings.noise), int(settings.data_seed), float(settings.sgd_lr),
                                           int(settings.sgd_steps))
    except ValueError as err:
        problem = None
        st.error(str(err))
    if problem is not None:
        paths_fig, paths_cost_fig = stochastic_figures(float(settings.noise), int(settings.data_seed),
                                                       float(settings.sgd_lr), int(settings.sgd_steps))
        left, right = st.columns([3, 2])
        with left:
            st.plotly_chart(paths_fig, key="gd.chart.sgd_paths")
        with right:
            st.plotly_chart(paths_cost_fig, key="gd.chart.sgd_cost")
            for p in paths:
                if p.diverged:
                    st.error(f"{p.label} diverged at step {p.diverged_at}.")
            w_ls, b_ls = problem.least_squares
            st.caption(f"Least squares: w = {w_ls:.3f}, b = {b_ls:.3f} (the data were made with w = "
                       f"{problem.true_w:g}, b = {problem.true_b:g} plus noise).")


# Only the open tab's section runs and is sent to the browser.
for tab, section in zip(st.tabs(SECTIONS, key=state.key(PREFIX, "section"), on_change="rerun"),
                        (one_weight, race, arrow_view, range_test, mini_batches)):
    with tab:
        if tab.open:
            section()

state.sync(PREFIX, DEFAULTS)
st.info(
    "**What to notice:** the learning rate alone decides between crawling, oscillating and blowing up "
    "(η < 2/C″ on a parabola). Momentum rushes along long valleys but overshoots; Adam and RMSProp take "
    "similar-sized steps whatever the slope. Mini-batches trade a noisy path for cheap steps."
)

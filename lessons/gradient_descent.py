"""Gradient descent: walk downhill on a cost, with the learning rate and the optimizers to play with."""

from dataclasses import dataclass
from functools import partial

import streamlit as st

from nnviz import descent, optimizers, surfaces
from nnviz.ui import chart, settings
from nnviz.ui import descent_view as view

LR_STOPS = descent.log_options(1e-4, 10.0, per_decade=20)
EPS_STOPS = descent.log_options(1e-10, 0.1, per_decade=1)
# One topic per screen: only the open section runs and is sent (lazy tabs), which also keeps a rerun cheap.
SECTIONS = ("One weight", "Two weights: the race", "One step up close", "Range test", "Mini-batches")
OPTIMIZER_LABELS = optimizers.LABELS
COSTS = {name: surfaces.LABELS[name] for name in surfaces.NAMES_1D}
SURFACES = {name: surfaces.LABELS[name] for name in surfaces.NAMES_2D}
# A start point's declared range is the widest over the costs (surfaces); its slider narrows it to the box
# of the cost (surface) on screen.
(W0_RANGE,) = surfaces.widest_box(surfaces.NAMES_1D)
X0_RANGE, Y0_RANGE = surfaces.widest_box(surfaces.NAMES_2D)
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


PAGE = settings.Page("gd", Settings)
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


st.title("Gradient descent")
st.markdown(
    "Training a network means finding weights with a low cost. Gradient descent does it the way a hiker "
    "finds a valley in fog: feel the slope under your feet and step downhill. The **learning rate** η "
    "sets the size of each step: too small and you never arrive, too large and you jump over the valley."
)
PAGE.init()
view.starts_in_their_box(PAGE)
PAGE.presets_bar(PRESETS)


@PAGE.section
def one_weight() -> None:
    """The steps of plain gradient descent on a cost of one weight."""
    st.subheader("One weight: steps down a curve")
    controls, plot = st.columns([1, 2.4])
    with controls:
        PAGE.widget("cost", on_change=view.cost_changed, args=(PAGE,))
        (lo, hi), = surfaces.get(PAGE["cost"]).bounds
        PAGE.widget("w0", low=lo, high=hi)
        PAGE.widget("lr")
        PAGE.widget("steps")
    s = PAGE.values()
    cost = surfaces.get(s.cost)
    one = view.run((s.cost, "sgd", (float(s.w0),), int(s.steps), float(s.lr), "paper", ()))
    with plot:
        st.latex(r"w \leftarrow w - \eta\, C'(w)")
        if one is not None:
            curve_fig, curve_cost_fig = view.curve_figures(s.cost, float(s.w0), float(s.lr), int(s.steps))
            chart.show(curve_fig, key="gd.chart.curve")
            st.caption("Press ▶ Play to replay the steps, or drag the step slider. The dashed line is the "
                       "tangent: its slope C′(w) sets the direction and, times η, the length of the next step.")
    if one is not None:
        outcome = descent.classify(one, cost)
        getattr(st, outcome.level)(outcome.message)
        st.latex(descent.stability_latex(cost, s.lr))
        st.caption(descent.stability_note(cost))
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
        PAGE.widget("surface", on_change=view.surface_changed, args=(PAGE,))
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
    racers = [name for name in optimizers.NAMES if getattr(s, f"race_{name}")]
    st.markdown(f"**Racing:** {', '.join(OPTIMIZER_LABELS[n] for n in racers) or 'none'}. Each optimizer's tab "
                "has its formula, its *race it* box and its hyper-parameters.")
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
                    view.hyper_controls(PAGE, name)
            view.update_rule(name, s)

    if not racers:
        st.info("Tick “race it” in at least one optimizer's tab.")
    args = {name: descent.run_args(name, s) for name in racers}
    results = {name: r for name in racers if (r := view.run(args[name], OPTIMIZER_LABELS[name])) is not None}
    race_fig, race_cost_fig = view.race_figures(surface.name, tuple(args[n] for n in results), bool(s.show_3d))
    if s.show_3d:
        chart.show(race_fig, key="gd.chart.race3d")
        st.caption("Drag to turn the surface. The 3-D view shows the finished paths; switch it off to replay them.")
    else:
        chart.show(race_fig, key="gd.chart.race", on_select=partial(view.start_from_click, PAGE, "gd.chart.race"),
                   selection_mode="points")
        st.caption("▶ Play races them from the start (the faint lines are the whole paths). Stars: minima. "
                   "Click anywhere on the map to start there.")
    side, formula = st.columns([3, 2])
    with side:
        chart.show(race_cost_fig, key="gd.chart.race_cost")
    with formula:
        st.latex(surface.latex)
        st.caption(surface.note)
    if results:
        # A Markdown table: the same numbers as a dataframe at a fraction of the rerun cost.
        st.markdown(descent.race_table(results, surface))
        for result in results.values():
            if result.diverged:
                st.error(descent.diverged_message(result))


@PAGE.section
def arrow_view() -> None:
    """One update of one optimizer, split into its parts."""
    st.subheader("One step up close")
    st.markdown("Each update is made of the gradient (scaled by η) and whatever the optimizer remembers. "
                "Pick an optimizer and a step to see the pieces.")
    s = PAGE.values()
    view.update_rule(s.arrow_optimizer, s)  # full width: Adam's rule does not fit beside the chart
    arrow_cols = st.columns([1, 2])
    with arrow_cols[0]:
        PAGE.widget("arrow_optimizer")
        PAGE.widget("arrow_step")
        st.caption(f"Above: {OPTIMIZER_LABELS[s.arrow_optimizer]}'s update rule. Its learning rate "
                   f"η = {getattr(s, f'lr_{s.arrow_optimizer}'):g}, its other hyper-parameters, the surface and "
                   f"the start are set in *{SECTIONS[1]}*.")
    args = descent.run_args(s.arrow_optimizer, s)
    arrow_run = view.run(args)
    with arrow_cols[1]:
        step, note = descent.arrow_step(arrow_run, s.arrow_step) if arrow_run is not None else (None, None)
        if step is None and note is not None:
            st.error(note)  # no step to look at
        elif step is not None:
            if note is not None:
                st.caption(note)  # a shorter run than the step asked for
            chart.show(view.arrow_figure(args, step), key="gd.chart.arrows")
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
    sweep_args = descent.sweep_args(s)
    sw = view.sweep(sweep_args)
    view.update_rule(s.sweep_optimizer, s)
    if sw is not None:
        st.latex(descent.sweep_range_latex(sw))
    sweep_cols = st.columns([1, 2])
    with sweep_cols[0]:
        PAGE.widget("sweep_optimizer")
        PAGE.widget("sweep_steps")
        st.caption(f"On {surface.label} from ({s.x0:g}, {s.y0:g}), with the optimizer's other "
                   f"hyper-parameters; surface, start and hyper-parameters are set in *{SECTIONS[1]}*.")
    with sweep_cols[1]:
        if sw is not None:
            chart.show(view.sweep_figure(sweep_args, int(s.sweep_steps)), key="gd.chart.sweep")
    if sw is not None:
        st.markdown(descent.sweep_verdict(sw))


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
    fit = (float(s.noise), int(s.data_seed), float(s.sgd_lr), int(s.sgd_steps))
    problem_and_paths = view.stochastic(*fit)
    if problem_and_paths is not None:
        problem, paths = problem_and_paths
        paths_fig, paths_cost_fig = view.stochastic_figures(*fit)
        left, right = st.columns([3, 2])
        with left:
            chart.show(paths_fig, key="gd.chart.sgd_paths")
        with right:
            chart.show(paths_cost_fig, key="gd.chart.sgd_cost")
            for p in paths:
                if p.diverged:
                    st.error(f"{p.label} diverged at step {p.diverged_at}.")
            st.caption(descent.least_squares_note(problem))


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

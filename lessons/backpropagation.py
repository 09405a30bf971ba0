"""Backpropagation: the chain rule number by number, and the four equations with live matrices."""

import dataclasses
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from nnviz import activations, losses
from nnviz import backprop_lesson as lesson
from nnviz.charts import backprop as charts
from nnviz.charts import spec
from nnviz.ui import chart, crash, settings

PREFIX = "backprop"
HIDDEN_FIELDS = ("n1", "n2", "n3", "n4")
ACT_FIELDS = ("act1", "act2", "act3", "act4")
DIFFERENTIABLE = [n for n in activations.NAMES if activations.get(n).differentiable]
# One tab per part; only the open one runs and is sent to the browser (lazy tabs), which keeps a
# rerun after a slider move cheap.
SECTIONS = ("A chain of single neurons", "A real network, step by step", "Train N steps", "Check yourself")
EPS_STOPS = (0.0001, 0.001, 0.01, 0.1, 0.5, 1.0)
LR_STOPS = (0.01, 0.05, 0.1, 0.2, 0.5, 1.0, 2.0, 5.0, 10.0, 40.0)
LOSS_LABELS = {name: losses.get(name).label for name in losses.NAMES}
# The chain's sliders are read by the sensitivity check below them too.
CHAIN = {"shared": ("sensitivity_section",)}


@dataclass(frozen=True)
class Numbers(settings.Setting):
    """Many numbers as one tuple (the network's weights, biases, input and target; see ``lesson.flatten``).

    No widget of its own: the tables of the network's tab write it. A link holds at most ``max_items``
    numbers, each within ±``bound``; an empty list stands for "drawn from the seed".
    """

    max_items: int = 0
    bound: float = 0.0

    @property
    def link_chars(self) -> int:
        # Every number exactly (repr of a float: at most 24 characters) and its comma.
        return self.max_items * 25

    def parse(self, raw):
        items = raw.split(",") if raw.strip() else []
        if len(items) > self.max_items:
            raise ValueError(f"it holds {len(items):,} numbers; at most {self.max_items} fit")
        return tuple(settings.Number(self.label, 0.0).parse(item) for item in items)

    def check(self, value):
        if not isinstance(value, (tuple, list)):
            raise ValueError(f"{settings.shown(value)} is not a list of numbers")
        if len(value) > self.max_items:
            raise ValueError(f"it holds {len(value):,} numbers; at most {self.max_items} fit")
        bounded = settings.Number(self.label, 0.0, low=-self.bound, high=self.bound)
        return tuple(bounded.check(v) for v in value)

    def encode(self, value):
        return ",".join(repr(float(v)) for v in value)


def _numbers(default, label, *, max_items, bound):
    return dataclasses.field(default=tuple(default),
                             metadata={settings.DECLARATION: Numbers(label, tuple(default), None, False, max_items,
                                                                     bound)})


def _chain_slider(default, label, low=-8.0, high=8.0):
    return settings.slider(default, low, high, 0.1, label, **CHAIN)


def _neurons(default, label):
    return settings.number(default, 1, lesson.MAX_NEURONS, 1, label)


def _activation(label):
    return settings.choice("sigmoid", DIFFERENTIABLE, label)


@dataclass(frozen=True)
class Settings:
    # The open tab.
    section: str = settings.choice(SECTIONS[0], SECTIONS, "section", widget="tabs")
    # A chain of single neurons.
    x: float = _chain_slider(0.5, "input x = a⁽⁰⁾", -2.0, 2.0)
    y: float = _chain_slider(1.0, "target y", 0.0, 1.0)
    w1: float = _chain_slider(0.8, "weight w₁")
    b1: float = _chain_slider(0.1, "bias b₁")
    w2: float = _chain_slider(-1.2, "weight w₂")
    b2: float = _chain_slider(0.3, "bias b₂")
    w3: float = _chain_slider(1.5, "weight w₃")
    b3: float = _chain_slider(-0.4, "bias b₃")
    nudge: str = settings.choice("w1", lesson.CHAIN_PARAMETERS, "parameter p", widget="radio")
    eps: float = settings.log_slider(0.01, EPS_STOPS, "nudge ε")
    # The real network: its shape, its numbers, the step shown.
    n_inputs: int = _neurons(2, "inputs")
    layers: int = settings.number(1, 1, lesson.MAX_HIDDEN_LAYERS, 1, "hidden layers")
    n1: int = _neurons(2, "neurons in hidden layer 1")
    n2: int = _neurons(2, "neurons in hidden layer 2")
    n3: int = _neurons(2, "neurons in hidden layer 3")
    n4: int = _neurons(2, "neurons in hidden layer 4")
    n_outputs: int = _neurons(2, "outputs")
    act1: str = _activation("activation of layer 2")
    act2: str = _activation("activation of layer 3")
    act3: str = _activation("activation of layer 4")
    act4: str = _activation("activation of layer 5")
    act_out: str = _activation("output activation")
    loss: str = settings.choice("quadratic", LOSS_LABELS, "cost C")
    # The weights, biases, input and target as one tuple (see lesson.flatten); empty
    # means "the round-number network drawn from `seed`", so an untouched random
    # network keeps a short link and an edited one is stored exactly.
    values: tuple = _numbers(lesson.MAZUR_VALUES, "the network's numbers", max_items=lesson.MAX_VALUES,
                             bound=lesson.MAX_ABS)
    seed: int = settings.number(0, 0, 2**31 - 1, 1, "seed (new numbers)")
    lr: float = settings.log_slider(0.5, LR_STOPS, "learning rate η")
    stage: str = settings.choice("forward", lesson.STAGES, "Step", widget="radio")
    steps: int = settings.slider(100, 1, 500, 1, "steps N")
    # Which exercise of "Check yourself" (New exercise counts up); no widget.
    exercise: int = settings.number(0, 0, 2**31 - 1, 1, "exercise")


PAGE = settings.Page(PREFIX, Settings)
PRESETS = {
    "Mazur's example": {
        "section": SECTIONS[1], "n_inputs": 2, "layers": 1, "n1": 2, "n_outputs": 2, "act1": "sigmoid",
        "act_out": "sigmoid", "loss": "quadratic", "values": lesson.MAZUR_VALUES, "lr": 0.5, "stage": "forward"},
    "δᴸ = a − y": {
        "section": SECTIONS[1], "loss": "binary_crossentropy", "act_out": "sigmoid", "stage": "output error"},
    "Saturated neuron": {"section": SECTIONS[0], "w3": 6.0, "b3": 4.0, "y": 0.0, "nudge": "w3"},
    "Deep tanh net": {
        "section": SECTIONS[1], "n_inputs": 2, "layers": 3, "n1": 4, "n2": 4, "n3": 4, "n_outputs": 1,
        "act1": "tanh", "act2": "tanh", "act3": "tanh", "act_out": "sigmoid", "values": (), "seed": 3,
        "stage": "backpropagate"},
    "η too large": {
        "section": SECTIONS[2], "layers": 1, "n1": 3, "n_outputs": 1, "act1": "relu", "act_out": "linear",
        "values": (), "seed": 1, "lr": 40.0, "steps": 50},
}
STAGE_TITLES = {
    "forward": "Step 1 · forward: z = W a + b, a = σ(z), layer by layer",
    "output error": "Step 2 · output error δᴸ = ∇ₐC ⊙ σ'(zᴸ)",
    "backpropagate": "Step 3 · backpropagate δˡ = ((Wˡ⁺¹)ᵀ δˡ⁺¹) ⊙ σ'(zˡ)",
    "gradients": "Step 4 · gradients ∂C/∂b = δ, ∂C/∂w = a δ (edge width = |∂C/∂w|)",
    "update": "Step 5 · update W ← W − η ∂C/∂W (numbers on the edges: the new weights)",
}
# The student's answer in "Check yourself" and what the page remembers about it (not settings: not in the link).
ANSWER = f"{PREFIX}.answer"
ATTEMPT = f"{PREFIX}.attempt"


@crash.guarded
def _reseed() -> None:
    # The network's shape changed: its numbers are drawn afresh from the seed.
    PAGE["values"] = ()


@crash.guarded
def _next_stage() -> None:
    PAGE["stage"] = lesson.STAGES[(lesson.STAGES.index(PAGE["stage"]) + 1) % len(lesson.STAGES)]


@crash.guarded
def _apply_update(values: tuple) -> None:
    PAGE["values"] = values
    PAGE["stage"] = "forward"


@crash.guarded
def _new_exercise(seed: int) -> None:
    PAGE["exercise"] = min(seed, PAGE.declared["exercise"].high)
    st.session_state[ANSWER] = ""


@crash.guarded
def _show_solution() -> None:
    st.session_state[ATTEMPT]["solution"] = True


@st.cache_data(max_entries=64, show_spinner=False)
def _gradient_check(sizes, acts, values, loss):
    net, x, y = lesson.unflatten(sizes, values, acts)
    return pd.DataFrame(
        [(r.name, r.analytic, r.numeric, r.relative_error) for r in lesson.gradient_check(net, x, y, loss)],
        columns=["parameter", "backprop ∂C/∂p", "finite difference", "relative error"],
    )


# Figures are pure results of these hashable settings; caching the (never mutated) figure
# objects spares the rebuild on every rerun that did not touch them, and freezing them the
# serialisation too (see the benchmark).
@st.cache_resource(max_entries=64, show_spinner=False)
def _training(sizes, acts, values, loss, lr, steps):
    net, x, y = lesson.unflatten(sizes, values, acts)
    run = lesson.train(net, x, y, loss, lr, steps)
    return (run, spec.frozen(charts.cost_figure(run.costs, run.diverged_at)),
            spec.frozen(charts.parameter_paths_figure(run.path, run.names)))


@st.cache_resource(max_entries=64, show_spinner=False)
def _chain_figure(x, y, params):
    params = dict(params)
    ch = lesson.chain(x, y, params)
    return spec.frozen(charts.network_diagram(
        (1, 1, 1, 1), [[[params["w1"]]], [[params["w2"]]], [[params["w3"]]]],
        [None] + [[ch.z[l]] for l in (1, 2, 3)], [[a] for a in ch.a],
        title="The chain: x → neuron 1 → neuron 2 → neuron 3", show_legend=False, height=260,
        layer_names=["input x = a⁽⁰⁾", "neuron 1", "neuron 2", "neuron 3 → C₀"]))


@st.cache_resource(max_entries=64, show_spinner=False)
def _sensitivity_figure(x, y, params, name, eps):
    params = dict(params)
    sens = lesson.sensitivity(x, y, params, name, eps)
    values, costs = lesson.chain_cost_curve(x, y, params, name)
    return spec.frozen(charts.sensitivity_figure(values, costs, name, params[name], sens.cost, sens.gradient, eps))


@st.cache_resource(max_entries=64, show_spinner=False)
def _network_figure(sizes, acts, values, loss, lr, stage):
    net, x, y = lesson.unflatten(sizes, values, acts)
    w = lesson.walk(net, x, y, loss, lr)
    L, at = w.n_layers, lesson.STAGES.index(stage)
    delta = None
    if at == 1:  # output error: only δᴸ is known yet
        delta = [None] * (L - 2) + [w.delta(L)]
    elif at >= 2:
        delta = [w.delta(l) for l in range(2, L + 1)]
    highlight = {0: range(2, L + 1), 1: (L,), 2: range(2, L), 3: range(2, L + 1), 4: ()}[at]
    return spec.frozen(charts.network_diagram(
        w.net.sizes, w.net.weights, [None] + [w.z(l) for l in range(2, L + 1)], [w.a(l) for l in range(1, L + 1)],
        delta=delta, dW=w.grads.dW if at >= 3 else None, new_weights=w.updated.weights if at == 4 else None,
        highlight=tuple(highlight), width_by="gradient" if at >= 3 else "weight", title=STAGE_TITLES[stage]))


@st.cache_resource(max_entries=64, show_spinner=False)
def _exercise_figure(sizes, acts, values, loss, lr):
    net, x, y = lesson.unflatten(sizes, values, acts)
    w = lesson.walk(net, x, y, loss, lr)
    L = w.n_layers
    return spec.frozen(charts.network_diagram(
        w.net.sizes, w.net.weights, [None] + [w.z(l) for l in range(2, L + 1)], [w.a(l) for l in range(1, L + 1)],
        title="The network: its weights, and z and a of every neuron"))


def _editor(frame: pd.DataFrame, key: str) -> pd.DataFrame:
    return st.data_editor(
        frame, key=key, num_rows="fixed", width="stretch",
        column_config={c: st.column_config.NumberColumn(c, format="%.6g", step=0.01) for c in frame.columns},
    )


def _network_numbers(s: Settings):
    """The network's layer sizes, activations and numbers as the settings hold them.

    None, with the reason shown, when the settings do not make a network.
    """
    try:
        hidden = [getattr(s, field) for field in HIDDEN_FIELDS[:s.layers]]
        sizes = lesson.check_sizes(s.n_inputs, hidden, s.n_outputs)
    except ValueError as err:
        st.error(f"Cannot build this network: {err}.")
        return None
    acts = tuple(getattr(s, f) for f in ACT_FIELDS[:s.layers]) + (s.act_out,)
    live = s.values
    if len(live) != lesson.n_values(sizes):
        if live:
            st.warning(f"The stored numbers do not fit a {'-'.join(map(str, sizes))} network; "
                       f"drawn afresh from seed {s.seed}.")
        live = lesson.lesson_values(sizes, acts, s.seed)
    return sizes, acts, live


@PAGE.section
def chain_section() -> None:
    """The chain's sliders, its numbers and each gradient's factors (the sensitivity check reruns with them)."""
    st.markdown(
        "Three neurons in a row, one weight and one bias each. The cost of one example depends on all "
        "six numbers: C₀(w₁, b₁, w₂, b₂, w₃, b₃). Every gradient is a product of small local "
        "derivatives, one per link of the chain."
    )
    cols = st.columns(4)
    for i, name in enumerate(("x", "y", *lesson.CHAIN_PARAMETERS)):
        PAGE.widget(name, cols[i % 4])
    s = PAGE.values()
    chain_params = {p: getattr(s, p) for p in lesson.CHAIN_PARAMETERS}
    ch = lesson.chain(s.x, s.y, chain_params)

    left, right = st.columns([1, 1])
    with left:
        # Two lines: in a half-width column one line would run past the column's edge.
        st.latex(r"\begin{gathered} z^{(l)} = w_l\, a^{(l-1)} + b_l, \quad a^{(l)} = \sigma(z^{(l)}) \\ "
                 + lesson.CHAIN_COST_LATEX + r"\end{gathered}")
        st.dataframe(pd.DataFrame(
            {"z": [ch.z[l] for l in (1, 2, 3)], "a = σ(z)": [ch.a[l] for l in (1, 2, 3)],
             "σ'(z)": [ch.sigma_prime[l] for l in (1, 2, 3)]},
            index=pd.RangeIndex(1, 4, name="neuron")), width="stretch")
        st.latex(rf"C_0 = (a^{{(3)}} - y)^2 = ({lesson.fmt(ch.a[3])} - {lesson.fmt(ch.y)})^2 = {lesson.fmt(ch.cost)}")
    with right:
        chart.show(_chain_figure(s.x, s.y, tuple(chain_params.items())), key="backprop.chain_diagram")

    st.markdown("**Each gradient, factor by factor** (symbols first, then their numbers, then the product):")
    st.latex(r"\begin{gathered}" + r" \\[10pt] ".join(
        lesson.chain_product_latex(ch, name) for name in ("w3", "b3", "w2", "b2", "w1", "b1")) + r"\end{gathered}")


@PAGE.section
def sensitivity_section() -> None:
    """Nudge one parameter of the chain by ε: its own controls rerun only this part."""
    st.subheader("Sensitivity check")
    st.markdown(
        "A gradient is a promise: nudge a parameter by a small ε and the cost changes by about "
        "ε · ∂C₀/∂p. Try a large ε to see the promise break (the curve bends away from its tangent)."
    )
    c1, c2 = st.columns(2)
    PAGE.widget("nudge", c1, horizontal=True)
    PAGE.widget("eps", c2)
    s = PAGE.values()
    chain_params = {p: getattr(s, p) for p in lesson.CHAIN_PARAMETERS}
    sens = lesson.sensitivity(s.x, s.y, chain_params, s.nudge, s.eps)
    p = f"{s.nudge[0]}_{s.nudge[1]}"
    # The change and its prediction on two aligned lines: on one line the result ran past the column's edge.
    st.latex(
        rf"\begin{{aligned}} C_0({p} + \varepsilon) - C_0({p}) &= {lesson.fmt(sens.nudged_cost, 6)} - "
        rf"{lesson.fmt(sens.cost, 6)} = {lesson.fmt(sens.actual_change, 6)} \\ &\approx "
        rf"\varepsilon \cdot \frac{{\partial C_0}}{{\partial {p}}} = "
        rf"{lesson.fmt(sens.eps)} \times {lesson.pfmt(sens.gradient, 6)} = {lesson.fmt(sens.predicted_change, 6)}"
        r" \end{aligned}"
    )
    chart.show(_sensitivity_figure(s.x, s.y, tuple(chain_params.items()), s.nudge, s.eps),
                    key="backprop.sensitivity")


@PAGE.section
def network_section() -> None:
    """The network's shape, its numbers in editable tables, and the five steps of one pass."""
    st.markdown(
        "Now whole layers at once. Each layer's numbers are a matrix Wˡ (row j = neuron j, column k = "
        "input k, so the entry is wˡⱼₖ) and a vector bˡ; the input is layer 1. Edit any number, then "
        "click through the five steps."
    )
    st.latex(r"\text{(BP1)}\; " + lesson.BP1 + r" \qquad \text{(BP2)}\; " + lesson.BP2)
    st.latex(r"\text{(BP3)}\; " + lesson.BP3 + r" \qquad \text{(BP4)}\; " + lesson.BP4)

    shape_cols = st.columns(4)
    for column, name in zip(shape_cols, ("n_inputs", "layers", "n_outputs", "seed")):
        PAGE.widget(name, column, on_change=_reseed)
    layers = PAGE["layers"]
    layer_cols = st.columns(max(layers, 3))
    for i in range(layers):
        PAGE.widget(HIDDEN_FIELDS[i], layer_cols[i], on_change=_reseed)
        PAGE.widget(ACT_FIELDS[i], layer_cols[i])
    out_cols = st.columns(2)
    PAGE.widget("act_out", out_cols[0])
    PAGE.widget("loss", out_cols[1])
    s = PAGE.values()

    built = _network_numbers(s)
    if built is None:
        return
    sizes, acts, live = built
    # The editors start from `base`; a change made elsewhere (a preset, the update step, a
    # link, another tab) starts a fresh generation of editors so old cell edits are not replayed on top.
    if st.session_state.get(f"{PREFIX}._written") != live:
        st.session_state[f"{PREFIX}._base"] = live
    base = st.session_state[f"{PREFIX}._base"]
    generation = abs(hash(base)) % 10**8
    names = lesson.value_names(sizes)
    cells = dict(zip(names, base))

    st.markdown("**Weights, biases, input and target** (click a cell to edit it). Row j is neuron j of "
                "the layer, column k its input from neuron k of the layer before, so the cell is wˡⱼₖ; the "
                "last column holds the biases bˡⱼ.")
    per_row = 3 if max(sizes) <= 3 else 2
    edit_cols = []
    for start in range(0, len(sizes), per_row):
        edit_cols += st.columns(per_row)[:len(sizes) - start]
    edited = {}
    for i, (n_in, n_out) in enumerate(zip(sizes[:-1], sizes[1:])):
        l = i + 2
        frame = pd.DataFrame(
            {**{f"k={k + 1}": [cells[f"w{l}[{j + 1},{k + 1}]"] for j in range(n_out)] for k in range(n_in)},
             "b": [cells[f"b{l}[{j + 1}]"] for j in range(n_out)]},
            index=pd.RangeIndex(1, n_out + 1, name="j"))
        with edit_cols[i]:
            st.caption(f"layer {l}: W{l} ({n_out} × {n_in}) and b{l}")
            out = _editor(frame, f"{PREFIX}.edit.{generation}.{l}")
        for j in range(n_out):
            for k in range(n_in):
                edited[f"w{l}[{j + 1},{k + 1}]"] = out.iloc[j, k]
            edited[f"b{l}[{j + 1}]"] = out.iloc[j, n_in]
    with edit_cols[-1]:
        st.caption("input x and target y")
        xy = pd.DataFrame({"x": [cells[f"x[{k + 1}]"] for k in range(sizes[0])]},
                          index=pd.RangeIndex(1, sizes[0] + 1, name="k"))
        yy = pd.DataFrame({"y": [cells[f"y[{j + 1}]"] for j in range(sizes[-1])]},
                          index=pd.RangeIndex(1, sizes[-1] + 1, name="j"))
        out_x = _editor(xy, f"{PREFIX}.edit.{generation}.x")
        out_y = _editor(yy, f"{PREFIX}.edit.{generation}.y")
        for k in range(sizes[0]):
            edited[f"x[{k + 1}]"] = out_x.iloc[k, 0]
        for j in range(sizes[-1]):
            edited[f"y[{j + 1}]"] = out_y.iloc[j, 0]

    PAGE.widget("lr")
    try:
        net, x, y = lesson.unflatten(sizes, [edited[n] for n in names], acts)
        w = lesson.walk(net, x, y, s.loss, s.lr)
    except ValueError as err:
        st.error(f"Cannot use these numbers: {err}.")
        st.session_state[f"{PREFIX}._written"] = live
        return
    values = lesson.flatten(net, x, y)
    if values != live:
        PAGE["values"] = values
        live = values
    st.session_state[f"{PREFIX}._written"] = live

    L = w.n_layers
    step_cols = st.columns([5, 1])
    PAGE.widget("stage", step_cols[0], horizontal=True)
    step_cols[1].button("Next step ▶", on_click=_next_stage, key=f"{PREFIX}.next", width="stretch")
    stage = s.stage
    numbers = lesson.flatten(w.net, w.x, w.y)
    chart.show(_network_figure(w.net.sizes, w.net.activations, numbers, s.loss, s.lr, stage),
                    key="backprop.network")

    loss = losses.get(s.loss)
    if stage == "forward":
        st.markdown("Each layer takes the activations of the layer before, weighs them, adds its biases and "
                    "applies its activation function.")
        for l in range(2, L + 1):
            st.latex(lesson.forward_latex(w, l))
        st.latex(loss.latex + rf" = {lesson.fmt(w.cost, 6)}")
    elif stage == "output error":
        st.markdown("The output error δᴸ: how fast the cost changes with each output neuron's weighted "
                    "input z. The Hadamard product ⊙ multiplies element by element.")
        st.latex(loss.gradient_latex)
        st.latex(lesson.bp1_latex(w))
        shortcut = lesson.cross_entropy_shortcut(w)
        if shortcut:
            st.markdown("With cross-entropy and a sigmoid output, σ'(z) = a(1 − a) cancels the denominator "
                        "of ∂C/∂a, so the output error is just a − y: no slow learning when a neuron saturates.")
            st.latex(shortcut)
        else:
            st.caption("Choose binary cross-entropy with a sigmoid output to see δᴸ become a − y.")
    elif stage == "backpropagate":
        st.markdown("Each hidden layer's error is the next layer's error carried back through the "
                    "transposed weights, then scaled by σ'(z) element by element.")
        for l in range(L - 1, 1, -1):
            st.latex(lesson.bp2_latex(w, l))
    elif stage == "gradients":
        st.markdown("The errors give every gradient: a bias's is its neuron's δ, a weight's is the "
                    "activation feeding it times the δ it feeds.")
        for l in range(L, 1, -1):
            st.latex(lesson.bp3_latex(w, l))
            st.latex(lesson.bp4_latex(w, l))
        st.markdown("**Gradient check**: every backpropagated gradient beside a central finite difference "
                    "(C(p + ε) − C(p − ε)) / 2ε with ε = 10⁻⁶.")
        st.dataframe(_gradient_check(w.net.sizes, w.net.activations, numbers, s.loss),
                     hide_index=True, width="stretch",
                     column_config={"relative error": st.column_config.NumberColumn(format="%.1e")})
    else:
        st.markdown("Gradient descent moves every weight and bias a step η against its gradient.")
        for l in range(2, L + 1):
            for line in lesson.update_latex(w, l):
                st.latex(line)
        st.latex(rf"C: {lesson.fmt(w.cost, 6)} \;\rightarrow\; {lesson.fmt(w.updated_cost, 6)}")
        st.button("Apply this update and start again", on_click=_apply_update,
                  args=(lesson.flatten(w.updated, w.x, w.y),), key=f"{PREFIX}.apply")
    st.caption(f"Repeat these steps many times in *{SECTIONS[2]}*.")


def _network_of_the_step_tab(s: Settings):
    """The network of the second tab, rebuilt from the settings (its editors are not drawn in this tab)."""
    built = _network_numbers(s)
    if built is None:
        st.caption(f"Fix the network in *{SECTIONS[1]}* first.")
    return built


@PAGE.section
def train_section() -> None:
    """The second tab's network trained for N steps: the cost and every parameter's path."""
    s = PAGE.values()
    built = _network_of_the_step_tab(s)
    if built is None:
        return
    sizes, acts, values = built
    st.markdown(f"The network of *{SECTIONS[1]}* (change it there) on its one example: forward pass, "
                "backward pass, update, again and again. The cost falls and every parameter moves along "
                "its own path.")
    controls = st.columns(2)
    PAGE.widget("steps", controls[0])
    PAGE.widget("lr", controls[1])
    try:
        run, cost_fig, paths_fig = _training(sizes, acts, values, s.loss, s.lr, s.steps)
    except ValueError as err:
        st.error(f"Cannot use these numbers: {err}. Fix them in *{SECTIONS[1]}*.")
        return
    if run.diverged_at is not None:
        st.warning(f"Diverged at step {run.diverged_at}: the numbers blew up. Lower the learning rate η.")
    train_cols = st.columns(2)
    chart.show(cost_fig, key="backprop.cost", where=train_cols[0])
    chart.show(paths_fig, key="backprop.paths", where=train_cols[1])


def _attempt(seed: int, exercise: lesson.Exercise) -> dict:
    """What the page remembers of the answers to this exercise; a new exercise starts afresh."""
    attempt = st.session_state.get(ATTEMPT)
    if attempt is None or attempt["exercise"] != (seed, exercise.prompt):
        attempt = {"exercise": (seed, exercise.prompt), "tries": 0, "last": "", "solution": False}
        st.session_state[ATTEMPT] = attempt
    return attempt


def _tries(n: int) -> str:
    return "1 wrong try" if n == 1 else f"{n} wrong tries"


@PAGE.section
def exercise_section() -> None:
    """One quantity to compute by hand: a wrong number gets a hint and another try; the solution on request."""
    s = PAGE.values()
    built = _network_of_the_step_tab(s)
    if built is None:
        return
    sizes, acts, values = built
    try:
        net, x, y = lesson.unflatten(sizes, values, acts)
        w = lesson.walk(net, x, y, s.loss, s.lr)
    except ValueError as err:
        st.error(f"Cannot use these numbers: {err}. Fix them in *{SECTIONS[1]}*.")
        return
    loss = losses.get(s.loss)
    st.markdown(f"The network of *{SECTIONS[1]}* (change it there), after its forward pass:")
    chart.show(_exercise_figure(w.net.sizes, w.net.activations, lesson.flatten(w.net, w.x, w.y),
                                     s.loss, s.lr), key="backprop.exercise_network")
    exercise = lesson.make_exercise(w, s.exercise)
    attempt = _attempt(s.exercise, exercise)
    st.markdown(exercise.prompt + f" The cost is {loss.label}.")
    ex_cols = st.columns([2, 1, 1], vertical_alignment="bottom")
    typed = ex_cols[0].text_input("your answer", key=ANSWER, placeholder="e.g. 0.0123",
                                  max_chars=lesson.ANSWER_CHARS)
    verdict = lesson.check_answer(exercise, typed) if typed.strip() else None
    if verdict is not None and verdict.counts and typed != attempt["last"]:  # a number not judged before
        attempt["last"] = typed
        attempt["tries"] += 0 if verdict.correct else 1
    solved = verdict is not None and verdict.correct
    ex_cols[1].button("Show the solution", on_click=_show_solution, key=f"{PREFIX}.show_solution",
                      width="stretch", disabled=solved or attempt["solution"])
    ex_cols[2].button("New exercise", on_click=_new_exercise, args=(lesson.next_exercise_seed(w, s.exercise),),
                      key=f"{PREFIX}.new_exercise", width="stretch")
    if verdict is not None and not verdict.counts:
        st.warning(f"You typed {settings.shown(typed)}. {verdict.message}. It does not count as a try.")
    elif solved:
        st.success(verdict.message)
    elif verdict is not None:
        st.error(f"{verdict.message} You typed {settings.shown(typed)}; try again "
                 f"({_tries(attempt['tries'])} so far).\n\n**Hint:** {verdict.hint}")
    if solved or attempt["solution"]:
        st.markdown("**Worked solution**")
        for line in exercise.solution:
            st.latex(line)


st.title("Backpropagation")
st.markdown(
    "Backpropagation is the chain rule, applied from the cost backwards. It finds how much every "
    "weight and bias changes the cost C, ∂C/∂w and ∂C/∂b, in one backward pass. Gradient descent "
    "then moves each parameter a small step against its gradient."
)
PAGE.init()
PAGE.presets_bar(PRESETS)

# Only the open tab's sections run and are sent to the browser; the others' settings stay in session state.
tabs = PAGE.tabs("section")
for tab, sections in zip(tabs, ((chain_section, sensitivity_section), (network_section,), (train_section,),
                                (exercise_section,))):
    with tab:
        if tab.open:
            for section in sections:
                section()
if not tabs[1].open:
    # Streamlit forgets the cell edits of editors it did not draw: next time, start them from the numbers.
    st.session_state.pop(f"{PREFIX}._written", None)

PAGE.sync()
st.info(
    "**What to notice:** every gradient is a product of local factors, so one small factor (a saturated "
    "σ'(z)) shrinks every gradient behind it; the backward pass reuses each δ for all the weights "
    "feeding that neuron; and the finite-difference check agrees with backpropagation to about 10⁻⁸."
)

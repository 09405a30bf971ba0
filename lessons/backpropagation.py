"""Backpropagation: the chain rule number by number, and the four equations with live matrices."""

import dataclasses
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from nnviz import activations, losses
from nnviz import backprop_lesson as lesson
from nnviz.ui import backprop_view as view
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
    values: tuple = view.numbers(lesson.MAZUR_VALUES, "the network's numbers", max_items=lesson.MAX_VALUES,
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
# What each step of the pass says above its equations.
STAGE_NOTES = {
    "forward": "Each layer takes the activations of the layer before, weighs them, adds its biases and "
               "applies its activation function.",
    "output error": "The output error δᴸ: how fast the cost changes with each output neuron's weighted "
                    "input z. The Hadamard product ⊙ multiplies element by element.",
    "backpropagate": "Each hidden layer's error is the next layer's error carried back through the "
                     "transposed weights, then scaled by σ'(z) element by element.",
    "gradients": "The errors give every gradient: a bias's is its neuron's δ, a weight's is the "
                 "activation feeding it times the δ it feeds.",
    "update": "Gradient descent moves every weight and bias a step η against its gradient.",
}
# The student's answer in "Check yourself" and what the page remembers about it (not settings: not in the link).
ANSWER = f"{PREFIX}.answer"
ATTEMPT = f"{PREFIX}.attempt"
EDITORS = view.NumberEditors(PREFIX)


@crash.guarded
def _reseed() -> None:
    # The network's shape changed: its numbers are drawn afresh from the seed.
    PAGE["values"] = ()


@crash.guarded
def _next_stage() -> None:
    PAGE["stage"] = lesson.next_stage(PAGE["stage"])


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
    st.session_state[ATTEMPT] = dataclasses.replace(st.session_state[ATTEMPT], solution=True)


def _network_numbers(s: Settings, elsewhere: bool = False) -> lesson.NetworkNumbers | None:
    """The network the settings describe; None, with the reason shown, when they do not make one.

    ``elsewhere``: the tab drawing it is not the network's own (whose editors are not drawn then).
    """
    try:
        built = lesson.network_numbers(s.n_inputs, [getattr(s, f) for f in HIDDEN_FIELDS[:s.layers]], s.n_outputs,
                                       [getattr(s, f) for f in ACT_FIELDS[:s.layers]], s.act_out, s.values, s.seed)
    except ValueError as err:
        st.error(f"Cannot build this network: {err}.")
        if elsewhere:
            st.caption(f"Fix the network in *{SECTIONS[1]}* first.")
        return None
    if built.note:
        st.warning(built.note)
    return built


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
        st.dataframe(pd.DataFrame(lesson.chain_table(ch), index=pd.RangeIndex(1, 4, name="neuron")), width="stretch")
        st.latex(lesson.chain_cost_latex(ch))
    with right:
        chart.show(view.chain_figure(s.x, s.y, tuple(chain_params.items())), key="backprop.chain_diagram")

    st.markdown("**Each gradient, factor by factor** (symbols first, then their numbers, then the product):")
    st.latex(lesson.chain_products_latex(ch))


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
    st.latex(lesson.sensitivity_latex(lesson.sensitivity(s.x, s.y, chain_params, s.nudge, s.eps)))
    chart.show(view.sensitivity_figure(s.x, s.y, tuple(chain_params.items()), s.nudge, s.eps),
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

    st.markdown("**Weights, biases, input and target** (click a cell to edit it). Row j is neuron j of "
                "the layer, column k its input from neuron k of the layer before, so the cell is wˡⱼₖ; the "
                "last column holds the biases bˡⱼ.")
    cells = EDITORS.draw(built.sizes, built.values)

    PAGE.widget("lr")
    try:
        net, x, y = lesson.unflatten(built.sizes, lesson.from_tables(built.sizes, cells), built.activations)
        w = lesson.walk(net, x, y, s.loss, s.lr)
    except ValueError as err:
        st.error(f"Cannot use these numbers: {err}.")
        EDITORS.written(built.values)
        return
    values = lesson.flatten(net, x, y)
    if values != built.values:
        PAGE["values"] = values
    EDITORS.written(values)

    step_cols = st.columns([5, 1])
    PAGE.widget("stage", step_cols[0], horizontal=True)
    step_cols[1].button("Next step ▶", on_click=_next_stage, key=f"{PREFIX}.next", width="stretch")
    stage = s.stage
    chart.show(view.step_figure(w.net.sizes, w.net.activations, values, s.loss, s.lr, stage), key="backprop.network")

    st.markdown(STAGE_NOTES[stage])
    for line in lesson.stage_latex(w, stage):
        st.latex(line)
    if stage == "output error":
        shortcut = lesson.cross_entropy_shortcut(w)
        if shortcut:
            st.markdown("With cross-entropy and a sigmoid output, σ'(z) = a(1 − a) cancels the denominator "
                        "of ∂C/∂a, so the output error is just a − y: no slow learning when a neuron saturates.")
            st.latex(shortcut)
        else:
            st.caption("Choose binary cross-entropy with a sigmoid output to see δᴸ become a − y.")
    elif stage == "gradients":
        st.markdown("**Gradient check**: every backpropagated gradient beside a central finite difference "
                    "(C(p + ε) − C(p − ε)) / 2ε with ε = 10⁻⁶.")
        st.dataframe(view.gradient_check(w.net.sizes, w.net.activations, values, s.loss),
                     hide_index=True, width="stretch",
                     column_config={"relative error": st.column_config.NumberColumn(format="%.1e")})
    elif stage == "update":
        st.button("Apply this update and start again", on_click=_apply_update,
                  args=(lesson.flatten(w.updated, w.x, w.y),), key=f"{PREFIX}.apply")
    st.caption(f"Repeat these steps many times in *{SECTIONS[2]}*.")


@PAGE.section
def train_section() -> None:
    """The second tab's network trained for N steps: the cost and every parameter's path."""
    s = PAGE.values()
    built = _network_numbers(s, elsewhere=True)
    if built is None:
        return
    st.markdown(f"The network of *{SECTIONS[1]}* (change it there) on its one example: forward pass, "
                "backward pass, update, again and again. The cost falls and every parameter moves along "
                "its own path.")
    controls = st.columns(2)
    PAGE.widget("steps", controls[0])
    PAGE.widget("lr", controls[1])
    try:
        run, cost_fig, paths_fig = view.training(built.sizes, built.activations, built.values, s.loss, s.lr, s.steps)
    except ValueError as err:
        st.error(f"Cannot use these numbers: {err}. Fix them in *{SECTIONS[1]}*.")
        return
    if run.diverged_at is not None:
        st.warning(f"Diverged at step {run.diverged_at}: the numbers blew up. Lower the learning rate η.")
    train_cols = st.columns(2)
    chart.show(cost_fig, key="backprop.cost", where=train_cols[0])
    chart.show(paths_fig, key="backprop.paths", where=train_cols[1])


@PAGE.section
def exercise_section() -> None:
    """One quantity to compute by hand: a wrong number gets a hint and another try; the solution on request."""
    s = PAGE.values()
    built = _network_numbers(s, elsewhere=True)
    if built is None:
        return
    try:
        w = built.walkthrough(s.loss, s.lr)
    except ValueError as err:
        st.error(f"Cannot use these numbers: {err}. Fix them in *{SECTIONS[1]}*.")
        return
    st.markdown(f"The network of *{SECTIONS[1]}* (change it there), after its forward pass:")
    chart.show(view.exercise_figure(w.net.sizes, w.net.activations, lesson.flatten(w.net, w.x, w.y), s.loss, s.lr),
               key="backprop.exercise_network")
    exercise = lesson.make_exercise(w, s.exercise)
    st.markdown(exercise.prompt + f" The cost is {losses.get(s.loss).label}.")
    ex_cols = st.columns([2, 1, 1], vertical_alignment="bottom")
    typed = ex_cols[0].text_input("your answer", key=ANSWER, placeholder="e.g. 0.0123",
                                  max_chars=lesson.ANSWER_CHARS)
    judged = lesson.judge(lesson.attempt_at(st.session_state.get(ATTEMPT), s.exercise, exercise), exercise, typed)
    st.session_state[ATTEMPT] = judged.attempt
    ex_cols[1].button("Show the solution", on_click=_show_solution, key=f"{PREFIX}.show_solution",
                      width="stretch", disabled=judged.shows_solution)
    ex_cols[2].button("New exercise", on_click=_new_exercise, args=(lesson.next_exercise_seed(w, s.exercise),),
                      key=f"{PREFIX}.new_exercise", width="stretch")
    feedback = judged.feedback(settings.shown(typed))
    if feedback is not None:
        {"success": st.success, "error": st.error, "warning": st.warning}[feedback.kind](feedback.message)
    if judged.shows_solution:
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
    EDITORS.forget()  # Streamlit forgets the cell edits of editors it did not draw

PAGE.sync()
st.info(
    "**What to notice:** every gradient is a product of local factors, so one small factor (a saturated "
    "σ'(z)) shrinks every gradient behind it; the backward pass reuses each δ for all the weights "
    "feeding that neuron; and the finite-difference check agrees with backpropagation to about 10⁻⁸."
)

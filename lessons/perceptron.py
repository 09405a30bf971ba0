"""Perceptron: one neuron, its weighted sum, its decision line, and Rosenblatt's learning rule."""

from dataclasses import dataclass

import pandas as pd
import streamlit as st

from nnviz import perceptron
from nnviz.charts import perceptron as charts
from nnviz.ui import chart, settings

DATASET_LABELS = {"and": "AND", "or": "OR", "nand": "NAND", "cloud": "separable random cloud", "xor": "XOR"}


@dataclass(frozen=True)
class Settings:
    x1: float = settings.slider(1.0, -2.0, 2.0, 0.1, "input x₁")
    x2: float = settings.slider(0.5, -2.0, 2.0, 0.1, "input x₂")
    w1: float = settings.slider(0.8, -5.0, 5.0, 0.1, "weight w₁")
    w2: float = settings.slider(-0.4, -5.0, 5.0, 0.1, "weight w₂")
    b: float = settings.slider(-0.2, -10.0, 10.0, 0.1, "bias b")
    activation: str = settings.choice("step", tuple(perceptron.ACTIVATIONS), "activation f", widget="radio")
    dataset: str = settings.choice("and", DATASET_LABELS, "data set")
    lr: float = settings.slider(0.1, 0.0, 1.0, 0.05, "learning rate η",
                                "0 is allowed so you can see why it cannot work.")
    epochs: int = settings.slider(20, 1, 60, 1, "epochs")
    seed: int = settings.number(0, 0, 9999, 1, "cloud seed", "Which random cloud (only for the separable random cloud).")


PAGE = settings.Page("perceptron", Settings)
PRESETS = {
    "AND gate": {"x1": 1.0, "x2": 1.0, "w1": 1.0, "w2": 1.0, "b": -1.5, "activation": "step", "dataset": "and"},
    "OR gate": {"x1": 0.0, "x2": 1.0, "w1": 1.0, "w2": 1.0, "b": -0.5, "activation": "step", "dataset": "or"},
    "Bias −10": {"x1": 2.0, "x2": 2.0, "w1": 2.0, "w2": 2.0, "b": -10.0, "activation": "step"},
    "Sigmoid": {"activation": "sigmoid", "w1": 3.0, "w2": 3.0, "b": -3.0},
    "XOR loops": {"dataset": "xor", "lr": 0.1, "epochs": 30},
}

st.title("The perceptron")
st.markdown(
    "A neuron multiplies each input by a weight, adds a bias, and passes the sum z through an "
    "activation function. With a step activation it answers 1 on one side of a straight line and "
    "0 on the other, so it can learn any rule a straight line can draw, and no other."
)
PAGE.init()
PAGE.presets_bar(PRESETS)


@PAGE.section
def neuron() -> None:
    """Sections 1-3: one neuron's sum, the bias, the decision line (all read x, w, b, f)."""
    st.header("1 · The weighted sum")
    controls, view = st.columns([1, 2])
    with controls:
        for name in ("x1", "x2", "w1", "w2", "b"):
            PAGE.widget(name)
        PAGE.widget("activation", horizontal=True)
    s = PAGE.values()
    x, w, b = (s.x1, s.x2), (s.w1, s.w2), s.b
    z = float(perceptron.weighted_sum(x, w, b))
    out = float(perceptron.activate(z, s.activation))

    with view:
        st.latex(r"z = x_1 w_1 + x_2 w_2 + b")
        st.latex(rf"z = ({x[0]:.2f})({w[0]:.2f}) + ({x[1]:.2f})({w[1]:.2f}) + ({b:.2f}) = {z:.3f}")
        st.latex(perceptron.activation_latex(s.activation))
        st.latex(rf"a = f({z:.3f}) = {out:.3f}")
        chart.show(charts.neuron_diagram(x, w, b, z, out, s.activation), key="perceptron.neuron")

    st.header("2 · Why the bias matters")
    zero_z = float(perceptron.weighted_sum((0.0, 0.0), w, b))
    st.markdown(
        f"With x = (0, 0) the weights multiply zeros: z = b = **{zero_z:.2f}** whatever w is, so without a "
        "bias the neuron's answer at the origin is fixed. The bias shifts the threshold: the step fires "
        f"when x₁w₁ + x₂w₂ ≥ −b = **{-b:.2f}**. With b = −10 the weighted inputs must pass 10 first "
        "(try the *Bias −10* preset)."
    )

    st.header("3 · The decision line in the input plane")
    lo, hi = -2.5, 2.5
    axis, grid = perceptron.output_grid(w, b, s.activation, lo, hi)
    try:
        line = perceptron.decision_line(w, b, lo, hi)
    except ValueError as err:
        line = None
        st.error(str(err))
    st.latex(rf"w_1 x_1 + w_2 x_2 + b = 0 \;\Rightarrow\; {w[0]:.2f}\,x_1 {w[1]:+.2f}\,x_2 {b:+.2f} = 0")
    chart.show(charts.input_plane(axis, grid, line, x, w, b, s.activation), key="perceptron.plane")
    st.caption("Blue: the neuron answers 1 (or close to it); orange: 0. The cross is the input x from section 1.")


@PAGE.section
def learning_rule() -> None:
    """Section 4: Rosenblatt's rule on a data set (reads only its own settings)."""
    st.header("4 · Rosenblatt's learning rule")
    st.markdown(
        "Go through the examples one by one; when the step output ŷ is wrong, move the weights "
        "towards the right answer. On data a straight line can separate, the errors reach zero."
    )
    st.latex(r"w_i \leftarrow w_i + \eta\,(y - \hat y)\,x_i, \qquad b \leftarrow b + \eta\,(y - \hat y)")
    data_col, lr_col, epochs_col, seed_col = st.columns([2, 2, 2, 1])
    PAGE.widget("dataset", data_col)
    PAGE.widget("lr", lr_col)
    PAGE.widget("epochs", epochs_col)
    PAGE.widget("seed", seed_col)
    s = PAGE.values()
    data = perceptron.dataset(s.dataset, n_samples=40, seed=s.seed)
    try:
        history = perceptron.learn(data.X, data.y, lr=s.lr, epochs=s.epochs)
    except ValueError as err:
        st.error(str(err))
        return
    box = perceptron.view_box(s.dataset)
    lines = perceptron.history_lines(history, *box)
    replay, errors = st.columns([3, 2])
    with replay:
        chart.show(charts.learning_replay(data.X, data.y, lines, history.errors, *box,
                                               title=DATASET_LABELS[s.dataset]),
                        key="perceptron.replay")
        st.caption("Press ▶ Play to watch the line move epoch by epoch, or drag the step slider.")
    with errors:
        chart.show(charts.errors_per_epoch(history.errors, len(data.y), history.cycle,
                                                history.converged_epoch), key="perceptron.errors")
        final_w, final_b = history.weights[-1], history.biases[-1]
        st.latex(rf"w = ({final_w[0]:.2f},\ {final_w[1]:.2f}),\quad b = {final_b:.2f}")
    if history.converged_epoch is not None:
        st.success(f"Converged: epoch {history.converged_epoch} made no mistake, so the weights stop changing.")
    elif history.cycle is not None:
        first, repeat = history.cycle
        st.warning(
            f"The weights after epoch {repeat} are exactly those after epoch {first}. The rule is "
            "deterministic, so from here it repeats the same loop for ever: it will never converge. "
            + ("No straight line puts (0, 1) and (1, 0) on one side and (0, 0) and (1, 1) on the "
               "other; Minsky and Papert (1969) proved a single perceptron cannot compute XOR."
               if s.dataset == "xor" else "")
        )
    else:
        st.info(f"Not converged after {history.epochs} epochs; give it more epochs.")


neuron()
learning_rule()
PAGE.sync()

st.header("5 · Two layers solve XOR")
st.markdown(
    "Combine perceptrons: one hidden neuron computes OR, another NAND, and the output neuron ANDs them. "
    "XOR = OR and NAND. The hidden layer bends the input space so that a straight line works again."
)
st.latex(r"h_1 = \mathrm{step}(x_1 + x_2 - 0.5),\quad h_2 = \mathrm{step}(-x_1 - x_2 + 1.5),\quad "
         r"y = \mathrm{step}(h_1 + h_2 - 1.5)")
X, hidden, y_hat = perceptron.xor_table()
st.dataframe(pd.DataFrame({"x₁": X[:, 0], "x₂": X[:, 1], "h₁ = OR": hidden[:, 0], "h₂ = NAND": hidden[:, 1],
                           "output = XOR": y_hat}).astype(int), hide_index=True)

st.info(
    "**What to notice:** the weights set the line's tilt and the bias slides it; the learning rule "
    "only ever moves that one line, so on XOR the errors never reach zero and the weights loop. "
    "One hidden layer is enough to fix it."
)

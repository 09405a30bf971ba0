"""Activation functions: their shapes and derivatives, softmax against sigmoids, one-hot encoding."""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import streamlit as st

from nnviz import activations, encoding, probabilities, saturation
from nnviz.charts import activations as charts
from nnviz.ui import limits, state

PREFIX = "activations"


@dataclass(frozen=True)
class Settings:
    functions: list = field(default_factory=lambda: ["sigmoid", "tanh", "relu"])
    show_derivative: bool = True
    z_range: tuple = (-6.0, 6.0)
    w: float = 1.0
    b: float = 0.0
    classes: str = "Red, Green, Blue"
    logits: str = "2.0, 1.0, 0.1"
    temperature: float = 1.0
    big_logits: str = "1000, 1001, 1002"
    labels: str = "Red, Green, Blue, Green"
    label_sets: str = "A,B; A; C,B; B"


DEFAULTS = Settings()
PRESETS = {
    "Vanishing": {"functions": ["sigmoid"], "show_derivative": True, "z_range": (-10.0, 10.0)},
    "ReLU family": {"functions": ["relu", "leaky_relu", "elu", "softplus"], "z_range": (-4.0, 4.0)},
    "Steep": {"functions": ["sigmoid", "step"], "w": 8.0, "b": -4.0},
    "Tied logits": {"logits": "1.5, 1.5, 1.5", "temperature": 1.0},
    "Cold T": {"logits": "2.0, 1.0, 0.1", "temperature": 0.2},
}
NAMES = list(activations.NAMES)
LABELS = {name: activations.get(name).label for name in NAMES}
RULES = {"functions": limits.options(NAMES), "z_range": (-20.0, 20.0), "w": (-10.0, 10.0), "b": (-10.0, 10.0),
         "temperature": (0.1, 5.0)}

st.title("Activation functions")
st.markdown(
    "After the weighted sum z, a neuron applies an activation function f. Its shape decides what the "
    "neuron can express, and its derivative f′ decides how well the error flows back through it in "
    "training: where f′ is nearly zero the neuron is saturated and learns almost nothing."
)
state.init(PREFIX, DEFAULTS)
limits.enforce(PREFIX, DEFAULTS, RULES)
state.presets_bar(PREFIX, DEFAULTS, PRESETS)

st.header("1 · Shapes and derivatives")
fn_col, toggle_col, range_col = st.columns([3, 1, 2])
fn_col.multiselect("functions", NAMES, format_func=LABELS.get, key=state.key(PREFIX, "functions"))
toggle_col.toggle("show f′", key=state.key(PREFIX, "show_derivative"))
range_col.slider("z range", -20.0, 20.0, step=0.5, key=state.key(PREFIX, "z_range"))
settings = state.current(PREFIX, Settings)
chosen = list(settings.functions)
if not chosen:
    st.error("No function chosen: pick at least one in the list above.")
else:
    try:
        curves = [saturation.curve(name, *settings.z_range) for name in chosen]
    except ValueError as err:
        curves = []
        st.error(str(err))
    if curves:
        peak = saturation.SIGMOID_PRIME_MAX if "sigmoid" in chosen else None
        st.plotly_chart(charts.curves(curves, settings.show_derivative, peak), key="activations.curves")
    for name in chosen:
        fn = activations.get(name)
        st.latex(fn.latex + r", \qquad " + fn.derivative_latex)
st.markdown(
    "The sigmoid's slope is never more than **σ′(0) = 0.25**. Backpropagation multiplies one σ′ per "
    "layer, so through five sigmoid layers the error shrinks by at least 0.25⁵ ≈ 0.001: the "
    "*vanishing gradient*. ReLU's slope is 1 wherever it is active, which is why deep networks use it."
)

st.header("2 · Weight as strength, bias as offset")
st.latex(rf"a = f(w x + b) = f({settings.w:.2f}\,x + {settings.b:.2f})")
w_col, b_col = st.columns(2)
w_col.slider("weight w", -10.0, 10.0, step=0.1, key=state.key(PREFIX, "w"))
b_col.slider("bias b", -10.0, 10.0, step=0.1, key=state.key(PREFIX, "b"))
settings = state.current(PREFIX, Settings)
if chosen:
    x = np.linspace(-6.0, 6.0, 241)
    values = {LABELS[name]: saturation.response(name, x, settings.w, settings.b) for name in chosen}
    switch = saturation.switch_point(settings.w, settings.b)
    st.plotly_chart(charts.response(x, values, switch, settings.w, settings.b), key="activations.response")
    if switch is None:
        st.warning("With w = 0 the input has no effect: z = b for every x, so the neuron's output is constant.")
    else:
        st.caption(f"A larger |w| makes the switch steeper; b moves it: z = 0 at x = −b/w = {switch:.2f}.")

st.header("3 · Softmax for exclusive classes, sigmoids for non-exclusive ones")
st.markdown(
    "An output layer with one neuron per class turns its logits z into probabilities. **Softmax** "
    "makes them compete: they sum to 1, for classes that exclude each other (a pixel is red *or* "
    "green). **Independent sigmoids** give each class its own yes/no probability, for labels that "
    "can hold together (a photo shows a cat *and* a dog). The temperature T flattens (T > 1) or "
    "sharpens (T < 1) the softmax."
)
names_col, logits_col, t_col = st.columns([2, 2, 2])
names_col.text_input("class names (comma-separated)", key=state.key(PREFIX, "classes"))
logits_col.text_input("logits z (comma-separated)", key=state.key(PREFIX, "logits"))
t_col.slider("temperature T", 0.1, 5.0, step=0.1, key=state.key(PREFIX, "temperature"))
settings = state.current(PREFIX, Settings)
st.latex(probabilities.SOFTMAX_T_LATEX + r" \qquad " + probabilities.SIGMOID_LATEX)
try:
    classes, z = probabilities.named_logits(encoding.parse_labels(settings.classes),
                                            encoding.parse_numbers(settings.logits, "logits"))
    probs = probabilities.class_probabilities(z, settings.temperature)
except ValueError as err:
    st.error(str(err))
else:
    st.plotly_chart(charts.class_probabilities(classes, probs.softmax, probs.sigmoids, probs.chosen),
                    key="activations.softmax")
    terms = " + ".join(rf"e^{{{v:g}/{settings.temperature:g}}}" for v in z)
    st.latex(rf"p_{{\mathrm{{{classes[0]}}}}} = \frac{{e^{{{z[0]:g}/{settings.temperature:g}}}}}{{{terms}}}"
             rf" = {probs.softmax[0]:.3f}")
    if probs.chosen is None:
        st.warning("Several classes share the largest logit, so softmax cannot choose between them: "
                   f"it gives them equal probability ({probs.softmax.max():.3f} each). No class is chosen.")
    else:
        st.success(f"Chosen class: **{classes[probs.chosen]}** with p = {probs.softmax[probs.chosen]:.3f}.")

st.subheader("Large logits: why softmax subtracts the largest one")
st.text_input("large logits", key=state.key(PREFIX, "big_logits"))
settings = state.current(PREFIX, Settings)
try:
    demo_logits = encoding.parse_numbers(settings.big_logits, "logits")
    demo = probabilities.overflow_demo(demo_logits)
except ValueError as err:
    st.error(str(err))
else:
    st.latex(r"\frac{e^{z_i}}{\sum_j e^{z_j}} = \frac{e^{z_i - \max z}}{\sum_j e^{z_j - \max z}}")
    def shown(values):
        return [f"{v:.4g}" if np.isfinite(v) else ("NaN" if np.isnan(v) else "∞") for v in values]

    st.dataframe(pd.DataFrame({"logit z": shown(demo_logits), "e^z": shown(demo.exponentials),
                               "naive e^z / Σ e^z": shown(demo.naive), "shifted by max z": shown(demo.stable)}),
                 hide_index=True)
    if demo.overflowed:
        st.warning("e^z overflowed to ∞ in float64 (the largest is about e^709), and ∞ / ∞ is NaN. "
                   "Subtracting the largest logit first changes nothing mathematically and keeps every "
                   "exponent ≤ 0.")

st.header("4 · One-hot and multi-hot targets")
one_col, multi_col = st.columns(2)
one_col.text_input("labels, one per example (exclusive classes)", key=state.key(PREFIX, "labels"))
multi_col.text_input("label sets, examples separated by ;", key=state.key(PREFIX, "label_sets"))
settings = state.sync(PREFIX, DEFAULTS)
with one_col:
    try:
        onehot = encoding.one_hot(encoding.parse_labels(settings.labels))
    except ValueError as err:
        st.error(str(err))
    else:
        table = pd.DataFrame(onehot.matrix.astype(int), columns=onehot.classes)
        table.insert(0, "label", encoding.parse_labels(settings.labels))
        st.dataframe(table, hide_index=True)
        st.caption("Exactly one 1 per row: the target for a softmax output.")
with multi_col:
    try:
        sets = encoding.parse_label_sets(settings.label_sets)
        multihot = encoding.multi_hot(sets)
    except ValueError as err:
        st.error(str(err))
    else:
        table = pd.DataFrame(multihot.matrix.astype(int), columns=multihot.classes)
        table.insert(0, "labels", [", ".join(s) for s in sets if s])
        st.dataframe(table, hide_index=True)
        st.caption("Any number of 1s per row: the target for independent sigmoid outputs.")

st.info(
    "**What to notice:** saturated zones (shaded) are where learning stalls; softmax bars always sum "
    "to 1 while sigmoid bars need not; identical logits give a tie; large logits break the naive "
    "formula but not the shifted one."
)

"""Activation functions: their shapes and derivatives, softmax against sigmoids, one-hot encoding."""

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd
import streamlit as st

from nnviz import activations, encoding, probabilities, saturation
from nnviz.charts import activations as charts
from nnviz.ui import chart, settings
from nnviz.ui.settings import shown
from nnviz.ui.text import bounded, typed_numbers

NAMES = list(activations.NAMES)
LABELS = {name: activations.get(name).label for name in NAMES}
# A typed list (class names, logits, labels, examples) is read up to this many items; a longer one gets
# a message instead of a target table that grows with its square (a row per example, a column per class).


@dataclass(frozen=True)
class Settings:
    functions: list = settings.choices(["sigmoid", "tanh", "relu"], LABELS, "functions",
                                       shared=("weight_and_bias",))
    show_derivative: bool = settings.toggle(True, "show f′")
    z_range: tuple = settings.range_slider((-6.0, 6.0), -20.0, 20.0, 0.5, "z range")
    w: float = settings.slider(1.0, -10.0, 10.0, 0.1, "weight w")
    b: float = settings.slider(0.0, -10.0, 10.0, 0.1, "bias b")
    classes: str = settings.text("Red, Green, Blue", "class names (comma-separated)", max_chars=100)
    logits: str = settings.text("2.0, 1.0, 0.1", "logits z (comma-separated)", max_chars=100)
    temperature: float = settings.slider(1.0, 0.1, 5.0, 0.1, "temperature T")
    big_logits: str = settings.text("1000, 1001, 1002", "large logits", max_chars=100)
    labels: str = settings.text("Red, Green, Blue, Green", "labels, one per example (exclusive classes)",
                                max_chars=200)
    label_sets: str = settings.text("A,B; A; C,B; B", "label sets, examples separated by ;", max_chars=200)


PAGE = settings.Page("activations", Settings)
PRESETS = {
    "Vanishing": {"functions": ["sigmoid"], "show_derivative": True, "z_range": (-10.0, 10.0)},
    "ReLU family": {"functions": ["relu", "leaky_relu", "elu", "softplus"], "z_range": (-4.0, 4.0)},
    "Steep": {"functions": ["sigmoid", "step"], "w": 8.0, "b": -4.0},
    "Tied logits": {"logits": "1.5, 1.5, 1.5", "temperature": 1.0},
    "Cold T": {"logits": "2.0, 1.0, 0.1", "temperature": 0.2},
}




def _class_names(text: str) -> list[str]:
    """Class names as typed; they label the chart's bars, where < and > would be read as markup."""
    names = bounded(encoding.parse_labels(text), "class names")
    for name in names:
        if "<" in name or ">" in name:
            raise ValueError(f"the class name {shown(name)} has < or >: use letters, digits and spaces")
    return names


def _named(name: str) -> str:
    """A class name in a message, shown as typed.

    Words of letters and digits are set in bold (Markdown reads nothing else in them); any other name is
    shown literally, so that no link, image or markup can come out of it.
    """
    return f"**{name}**" if re.fullmatch(r"[^\W_]+(?: [^\W_]+)*", name) else shown(name)


def _subscript(name: str, index: int) -> str:
    """A class name as a formula's subscript: the name when it is plain letters and digits, else its number."""
    return rf"\mathrm{{{name}}}" if re.fullmatch(r"[A-Za-z0-9]{1,20}", name) else str(index + 1)


st.title("Activation functions")
st.markdown(
    "After the weighted sum z, a neuron applies an activation function f. Its shape decides what the "
    "neuron can express, and its derivative f′ decides how well the error flows back through it in "
    "training: where f′ is nearly zero the neuron is saturated and learns almost nothing."
)
PAGE.init()
PAGE.presets_bar(PRESETS)


@PAGE.section
def shapes() -> None:
    """Section 1: the chosen functions and their derivatives over the z range."""
    st.header("1 · Shapes and derivatives")
    fn_col, toggle_col, range_col = st.columns([3, 1, 2])
    PAGE.widget("functions", fn_col)
    PAGE.widget("show_derivative", toggle_col)
    PAGE.widget("z_range", range_col)
    s = PAGE.values()
    chosen = list(s.functions)
    low, high = s.z_range
    if not chosen:
        st.error("No function chosen: pick at least one in the list above.")
    else:
        try:
            curves = [saturation.curve(name, low, high) for name in chosen]
        except ValueError as err:
            curves = []
            st.error(str(err))
        if curves:
            peak = saturation.SIGMOID_PRIME_MAX if "sigmoid" in chosen else None
            chart.show(charts.curves(curves, s.show_derivative, peak), key="activations.curves")
        for name in chosen:
            fn = activations.get(name)
            st.latex(fn.latex + r", \qquad " + fn.derivative_latex)
    st.markdown(
        "The sigmoid's slope is never more than **σ′(0) = 0.25**. Backpropagation multiplies one σ′ per "
        "layer, so through five sigmoid layers the error shrinks by at least 0.25⁵ ≈ 0.001: the "
        "*vanishing gradient*. ReLU's slope is 1 wherever it is active, which is why deep networks use it."
    )


@PAGE.section
def weight_and_bias() -> None:
    """Section 2: one neuron's response to x for the chosen functions (reads the functions of section 1)."""
    st.header("2 · Weight as strength, bias as offset")
    s = PAGE.values()
    st.latex(rf"a = f(w x + b) = f({s.w:.2f}\,x + {s.b:.2f})")
    w_col, b_col = st.columns(2)
    PAGE.widget("w", w_col)
    PAGE.widget("b", b_col)
    s = PAGE.values()
    if not s.functions:
        return
    x = np.linspace(-6.0, 6.0, 241)
    values = {LABELS[name]: saturation.response(name, x, s.w, s.b) for name in s.functions}
    switch = saturation.switch_point(s.w, s.b)
    chart.show(charts.response(x, values, switch, s.w, s.b), key="activations.response")
    if switch is None:
        st.warning("With w = 0 the input has no effect: z = b for every x, so the neuron's output is constant.")
    else:
        st.caption(f"A larger |w| makes the switch steeper; b moves it: z = 0 at x = −b/w = {switch:.2f}.")


@PAGE.section
def softmax() -> None:
    """Section 3: softmax against independent sigmoids for the typed classes and logits."""
    st.header("3 · Softmax for exclusive classes, sigmoids for non-exclusive ones")
    st.markdown(
        "An output layer with one neuron per class turns its logits z into probabilities. **Softmax** "
        "makes them compete: they sum to 1, for classes that exclude each other (a pixel is red *or* "
        "green). **Independent sigmoids** give each class its own yes/no probability, for labels that "
        "can hold together (a photo shows a cat *and* a dog). The temperature T flattens (T > 1) or "
        "sharpens (T < 1) the softmax."
    )
    names_col, logits_col, t_col = st.columns([2, 2, 2])
    PAGE.widget("classes", names_col)
    PAGE.widget("logits", logits_col)
    PAGE.widget("temperature", t_col)
    s = PAGE.values()
    st.latex(probabilities.SOFTMAX_T_LATEX + r" \qquad " + probabilities.SIGMOID_LATEX)
    try:
        classes, z = probabilities.named_logits(_class_names(s.classes), typed_numbers(s.logits, "logits"))
        probs = probabilities.class_probabilities(z, s.temperature)
    except ValueError as err:
        st.error(str(err))
        return
    chart.show(charts.class_probabilities(classes, probs.softmax, probs.sigmoids, probs.chosen),
                    key="activations.softmax")
    t = s.temperature
    terms = " + ".join(rf"e^{{{v:g}/{t:g}}}" for v in z)
    st.latex(rf"p_{{{_subscript(classes[0], 0)}}} = \frac{{e^{{{z[0]:g}/{t:g}}}}}{{{terms}}}"
             rf" = {probs.softmax[0]:.3f}")
    if probs.chosen is None:
        st.warning("Several classes share the largest logit, so softmax cannot choose between them: "
                   f"it gives them equal probability ({probs.softmax.max():.3f} each). No class is chosen.")
    else:
        st.success(f"Chosen class: {_named(classes[probs.chosen])} with p = {probs.softmax[probs.chosen]:.3f}.")


@PAGE.section
def large_logits() -> None:
    """Section 3, continued: the naive formula against the shifted one on large logits."""
    st.subheader("Large logits: why softmax subtracts the largest one")
    PAGE.widget("big_logits")
    try:
        demo_logits = typed_numbers(PAGE["big_logits"], "logits")
        demo = probabilities.overflow_demo(demo_logits)
    except ValueError as err:
        st.error(str(err))
        return
    st.latex(r"\frac{e^{z_i}}{\sum_j e^{z_j}} = \frac{e^{z_i - \max z}}{\sum_j e^{z_j - \max z}}")

    def cells(values):
        return [f"{v:.4g}" if np.isfinite(v) else ("NaN" if np.isnan(v) else "∞") for v in values]

    st.dataframe(pd.DataFrame({"logit z": cells(demo_logits), "e^z": cells(demo.exponentials),
                               "naive e^z / Σ e^z": cells(demo.naive), "shifted by max z": cells(demo.stable)}),
                 hide_index=True)
    if demo.overflowed:
        st.warning("e^z overflowed to ∞ in float64 (the largest is about e^709), and ∞ / ∞ is NaN. "
                   "Subtracting the largest logit first changes nothing mathematically and keeps every "
                   "exponent ≤ 0.")


@PAGE.section
def targets() -> None:
    """Section 4: one-hot and multi-hot target tables from the typed labels."""
    st.header("4 · One-hot and multi-hot targets")
    one_col, multi_col = st.columns(2)
    PAGE.widget("labels", one_col)
    PAGE.widget("label_sets", multi_col)
    s = PAGE.values()
    with one_col:
        try:
            labels = bounded(encoding.parse_labels(s.labels), "labels")
            onehot = encoding.one_hot(labels)
        except ValueError as err:
            st.error(str(err))
        else:
            table = pd.DataFrame(onehot.matrix.astype(int), columns=onehot.classes)
            table.insert(0, "label", labels)
            st.dataframe(table, hide_index=True)
            st.caption("Exactly one 1 per row: the target for a softmax output.")
    with multi_col:
        try:
            sets = [label_set for label_set in encoding.parse_label_sets(s.label_sets) if label_set]
            bounded(sets, "examples")
            bounded(sorted({label for label_set in sets for label in label_set}), "labels")
            multihot = encoding.multi_hot(sets)
        except ValueError as err:
            st.error(str(err))
        else:
            table = pd.DataFrame(multihot.matrix.astype(int), columns=multihot.classes)
            table.insert(0, "labels", [", ".join(label_set) for label_set in sets])
            st.dataframe(table, hide_index=True)
            st.caption("Any number of 1s per row: the target for independent sigmoid outputs.")


shapes()
weight_and_bias()
softmax()
large_logits()
targets()
PAGE.sync()

st.info(
    "**What to notice:** saturated zones (shaded) are where learning stalls; softmax bars always sum "
    "to 1 while sigmoid bars need not; identical logits give a tie; large logits break the naive "
    "formula but not the shifted one."
)
